package dev.sealer.app.lineage;

import dev.sealer.core.error.InvalidRequestException;
import dev.sealer.core.error.Reason;
import dev.sealer.core.lineage.LifecyclePolicy;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The lifecycle policies of this service, from configuration (README, "Configuration"): {@code sealer.lineage.policies} names
 * them, and each has {@code sealer.lineage.policy.<name>.version}, {@code .stages} (in lifecycle order) and
 * {@code .external-roots} (stages an external root may have, or {@code none}). Read once at start; a policy that does not
 * parse stops the start with a message naming it. Changing what a policy requires means raising its version: a meta-seal
 * records the name, the version and the whole policy it was checked against.
 */
@Singleton
public class LifecyclePolicies {
    public static final String DEFAULT = "default";

    @Inject
    Config config;
    @ConfigProperty(name = "sealer.lineage.policies", defaultValue = "default,strict")
    List<String> names;

    private Map<String, LifecyclePolicy> policies;

    @PostConstruct
    void load() {
        Map<String, LifecyclePolicy> m = new TreeMap<>();
        for (String name : names) {
            String prefix = "sealer.lineage.policy." + name.trim() + ".";
            int version = config.getOptionalValue(prefix + "version", Integer.class)
                    .orElseThrow(() -> new IllegalStateException("lifecycle policy " + name + ": " + prefix + "version is not set"));
            String stages = config.getOptionalValue(prefix + "stages", String.class)
                    .orElseThrow(() -> new IllegalStateException("lifecycle policy " + name + ": " + prefix + "stages is not set"));
            String external = config.getOptionalValue(prefix + "external-roots", String.class).orElse("none");
            try {
                m.put(name.trim(), LifecyclePolicy.parse(name.trim(), version, stages, external));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("lifecycle policy " + name + " in the configuration: " + e.getMessage(), e);
            }
        }
        policies = Map.copyOf(m);
    }

    /** The configured policy of that name (empty: {@value #DEFAULT}) at {@code version} (0: whichever is configured), or UNKNOWN_POLICY. */
    public LifecyclePolicy resolve(String name, int version) {
        String n = name == null || name.isEmpty() ? DEFAULT : name;
        LifecyclePolicy p = policies.get(n);
        if (p == null) {
            throw new InvalidRequestException(Reason.UNKNOWN_POLICY, "no lifecycle policy '" + n.replaceAll("[^\\x20-\\x7e]", "?") + "'; configured: "
                    + String.join(", ", new TreeMap<>(policies).keySet()));
        }
        if (version != 0 && version != p.version()) {
            throw new InvalidRequestException(Reason.UNKNOWN_POLICY, "lifecycle policy " + n + " is configured at version " + p.version() + ", not " + version);
        }
        return p;
    }

    public Map<String, LifecyclePolicy> all() {
        return policies;
    }
}
