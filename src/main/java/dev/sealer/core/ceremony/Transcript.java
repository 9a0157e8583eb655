package dev.sealer.core.ceremony;

import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.suite.RootKeys;
import dev.sealer.core.suite.RootSigner;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.time.Rfc3339;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signed record of a key ceremony ({@code sealer-ceremony-transcript/v1}): who took part,
 * every step with its time and what the HSM reported (object handles, attributes, public key
 * fingerprints), the root it made, the custody commitment and the SHA-256 of every output. Both
 * root attestation keys sign {@code "sealer/v1/ceremony-transcript\n" || canonical body}, the body
 * being the document without its {@code signatures} member (docs/keys.md lists every byte).
 */
public final class Transcript {
    public static final String FORMAT = "sealer-ceremony-transcript/v1";

    private final Map<String, Object> body;
    private final byte[] ecdsa;
    private final byte[] mlDsa;

    private Transcript(Map<String, Object> body, byte[] ecdsa, byte[] mlDsa) {
        this.body = body;
        this.ecdsa = ecdsa;
        this.mlDsa = mlDsa;
    }

    /** Collects the steps as they happen; {@link #sign} closes it. */
    public static final class Builder {
        private final Clock clock;
        private final Map<String, Object> body = new LinkedHashMap<>();
        private final List<Object> steps = new ArrayList<>();

        public Builder(Clock clock, CeremonyConfig config) {
            this.clock = clock;
            body.put("format", FORMAT);
            body.put("ceremony", config.ceremonyId());
            body.put("kind", config.kind().id());
            body.put("authority", config.authority());
            body.put("operators", config.operators());
            body.put("started_at", now());
        }

        private String now() {
            return Rfc3339.format(clock.instant().truncatedTo(ChronoUnit.MICROS));
        }

        /** Records step {@code name} as done now, with what it produced (strings, integers, booleans, lists and objects of those). */
        public Builder step(String name, Map<String, Object> detail) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("n", (long) steps.size() + 1);
            s.put("name", name);
            s.put("at", now());
            s.put("detail", detail);
            steps.add(s);
            return this;
        }

        public Builder put(String key, Object value) {
            body.put(key, value);
            return this;
        }

        /** Signs with the root that came out of the ceremony; the transcript names that root. */
        public Transcript sign(String rootId, RootSigner root) {
            body.put("root", rootJson(rootId, root.publicKeys()));
            body.put("steps", List.copyOf(steps));
            body.put("finished_at", now());
            Map<String, Object> frozen = Json.parseObject(CanonicalJson.writeString(body)); // exactly what is signed
            byte[] m = SignedMessage.of(SignedMessage.CEREMONY_TRANSCRIPT, CanonicalJson.write(frozen));
            return new Transcript(frozen, root.ecdsaP256(m), root.mlDsa(m));
        }
    }

    static Map<String, Object> rootJson(String id, RootKeys keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root_id", id);
        m.put("ecdsa-p256", keys.ecdsaPem());
        m.put("ecdsa-p256_sha256", keys.ecdsaFingerprint());
        m.put(keys.mlDsaAlgorithm().id(), keys.mlDsaPem());
        m.put(keys.mlDsaAlgorithm().id() + "_sha256", keys.mlDsaFingerprint());
        return m;
    }

    public Map<String, Object> body() {
        return body;
    }

    public String ceremonyId() {
        return Json.string(body, "ceremony");
    }

    public String rootId() {
        return Json.string(Json.object(body, "root"), "root_id");
    }

    /** The root keys the transcript says it was signed with. */
    public RootKeys root() {
        Map<String, Object> r = new LinkedHashMap<>(Json.object(body, "root"));
        r.keySet().removeIf(k -> k.endsWith("_sha256") || k.equals("root_id"));
        return TrustBundle.parse(CanonicalJson.writeString(Map.of("format", TrustBundle.FORMAT, "authority", "x", "issued_at",
                Rfc3339.format(Instant.EPOCH), "root_keys", r, "suites", List.of()))).root();
    }

    public Map<String, Object> custody() {
        return Json.object(body, "custody");
    }

    public List<Map<String, Object>> steps() {
        return Json.array(body, "steps").stream().map(o -> Json.asObject(o, "step")).toList();
    }

    public byte[] signedMessage() {
        return SignedMessage.of(SignedMessage.CEREMONY_TRANSCRIPT, CanonicalJson.write(body));
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>(body);
        m.put("signatures", Map.of("ecdsa-p256", Base64.getEncoder().encodeToString(ecdsa), "ml-dsa", Base64.getEncoder().encodeToString(mlDsa)));
        return CanonicalJson.writeString(m);
    }

    public static Transcript parse(String json) {
        Map<String, Object> m = Json.parseObject(json);
        if (!FORMAT.equals(Json.string(m, "format"))) {
            throw new IllegalArgumentException("not a " + FORMAT + " document");
        }
        Map<String, Object> sigs = Json.object(m, "signatures");
        Map<String, Object> body = new LinkedHashMap<>(m);
        body.remove("signatures");
        return new Transcript(body, Base64.getDecoder().decode(Json.string(sigs, "ecdsa-p256")), Base64.getDecoder().decode(Json.string(sigs, "ml-dsa")));
    }

    /** What {@link #verify} found: each check with its outcome; valid only when all passed. */
    public record Check(String what, boolean ok) {
    }

    /**
     * Checks the transcript against a trust bundle: it is signed by the root it names, that root is
     * the bundle's root or one the bundle's chain trusts, every step of the ceremony's plan is recorded
     * in order (when {@code plannedSteps} is given: the plan of the ceremony file), and {@code outputs.trust_bundle.sha256} is the SHA-256 of {@code bundleBytes} when the
     * bundle is that output (a later bundle is accepted through the root check alone).
     */
    public List<Check> verify(TrustBundle bundle, byte[] bundleBytes, List<String> plannedSteps) {
        List<Check> checks = new ArrayList<>();
        RootKeys signer = root();
        checks.add(new Check("both root signatures over the transcript verify (root " + rootId() + ")", signer.verify(signedMessage(), ecdsa, mlDsa)));
        checks.add(new Check("the transcript's root is trusted by the trust bundle (its root or cross-certified from it)",
                bundle.trustedRoots().stream().anyMatch(signer::sameAs)));
        checks.add(new Check("the transcript's authority is the bundle's (" + bundle.authority() + ")", bundle.authority().equals(Json.string(body, "authority"))));
        List<String> recorded = steps().stream().map(s -> Json.string(s, "name")).toList();
        if (plannedSteps != null) {
            checks.add(new Check("every planned step is recorded, in order (" + recorded.size() + " steps)", recorded.equals(plannedSteps)));
        }
        String expected = Json.optObject(body, "outputs").flatMap(o -> Json.optObject(o, "trust_bundle")).flatMap(o -> Json.optString(o, "sha256")).orElse("");
        String actual = sha256Hex(bundleBytes);
        if (expected.equals(actual)) {
            checks.add(new Check("the trust bundle is the one this ceremony wrote (sha256 " + actual + ")", true));
        } else {
            checks.add(new Check("the trust bundle is a later one than this ceremony wrote; its root keys are checked instead", bundle.trustedRoots().stream().anyMatch(signer::sameAs)));
        }
        return checks;
    }

    public static String sha256Hex(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
