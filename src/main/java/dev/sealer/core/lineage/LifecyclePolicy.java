package dev.sealer.core.lineage;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.Json;
import dev.sealer.core.seal.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named, versioned lifecycle policy (configuration, docs/lineage.md): the stages a meta-seal's lineage must contain, in
 * their lifecycle order, and the stages a seal may have when it is bound as an external root (a parent the meta-seal does
 * not bind with its own ancestors, e.g. a public dataset sealed by another team). The meta-seal's manifest carries the whole
 * policy, so an offline verifier re-checks it without the service's configuration.
 *
 * <p>The rules it implies are checked by {@link LineageCheck}: every policy stage is present ({@code STAGE_MISSING}); a seal of
 * a policy stage descends from a seal of the policy stage just before it and from none of a later one ({@code STAGE_ORDER}).
 * Stages the policy does not name are allowed anywhere and constrain nothing.
 */
public record LifecyclePolicy(String name, int version, List<Stage> stages, Set<Stage> externalRootStages) {
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    public static final int MAX_VERSION = 1_000_000;

    public LifecyclePolicy {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("policy name '" + name + "' must match " + NAME.pattern());
        }
        if (version < 1 || version > MAX_VERSION) {
            throw new IllegalArgumentException("policy " + name + ": version must be 1.." + MAX_VERSION);
        }
        if (stages.isEmpty() || EnumSet.copyOf(stages).size() != stages.size()) {
            throw new IllegalArgumentException("policy " + name + ": stages must be a non-empty list without repeats");
        }
        stages = List.copyOf(stages);
        externalRootStages = externalRootStages.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(externalRootStages));
    }

    /** {@code name@version}, as the meta-seal's {@code sealer.lineage/policy} label carries it. */
    public String id() {
        return name + "@" + version;
    }

    /** The stage's position in the policy's order, or -1 for a stage the policy does not name. */
    public int rank(Stage s) {
        return stages.indexOf(s);
    }

    /**
     * A policy from its configuration values: stage ids separated by commas (e.g. {@code data-collection,training}); for the
     * external root stages {@code none} (or nothing) means none are allowed. Throws IllegalArgumentException naming the problem.
     */
    public static LifecyclePolicy parse(String name, int version, String stages, String externalRootStages) {
        try {
            return new LifecyclePolicy(name, version, stageList(stages), Set.copyOf(stageList(externalRootStages)));
        } catch (SealerException e) {
            throw new IllegalArgumentException("policy " + name + ": " + e.getMessage(), e);
        }
    }

    private static List<Stage> stageList(String csv) {
        List<Stage> out = new ArrayList<>();
        if (csv == null || csv.isBlank() || csv.trim().equals("none")) {
            return out;
        }
        for (String s : csv.split(",")) {
            out.add(Stage.fromId(s.trim()));
        }
        return out;
    }

    /** The JSON value in a manifest: {@code {"external_root_stages":[…],"name":…,"stages":[…],"version":n}}. */
    public Map<String, Object> toJsonValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("external_root_stages", externalRootStages.stream().map(Stage::id).sorted(Comparator.naturalOrder()).toList());
        m.put("name", name);
        m.put("stages", stages.stream().map(Stage::id).toList());
        m.put("version", (long) version);
        return m;
    }

    /** Reads a policy from a manifest; any defect is MALFORMED_BUNDLE. */
    public static LifecyclePolicy fromJsonValue(Map<String, Object> m) {
        try {
            List<Stage> stages = new ArrayList<>();
            for (Object o : Json.array(m, "stages")) {
                stages.add(Stage.fromId(String.valueOf(o)));
            }
            List<Stage> external = new ArrayList<>();
            for (Object o : Json.array(m, "external_root_stages")) {
                external.add(Stage.fromId(String.valueOf(o)));
            }
            long version = Json.integer(m, "version");
            if (version < 1 || version > MAX_VERSION) {
                throw new IllegalArgumentException("policy version " + version + " is out of range");
            }
            return new LifecyclePolicy(Json.string(m, "name"), (int) version, stages, Set.copyOf(external));
        } catch (SealerException | IllegalArgumentException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "invalid lifecycle policy in the manifest: " + e.getMessage(), e);
        }
    }
}
