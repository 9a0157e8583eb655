package dev.sealer.core.ceremony;

import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One ceremony file ({@code sealer-ceremony/v1}, JSON): what a key ceremony creates and where it
 * writes its results. Parsed and checked here, before anything touches the HSM; every field is
 * described in docs/runbooks.md. Paths are as written (the command resolves them against the
 * file's directory).
 */
public record CeremonyConfig(String ceremonyId, Kind kind, String authority, List<String> operators, Hsm hsm, CustodyRule custody,
        Root root, List<KeyDefinition> additionalKeys, FirstSuite firstSuite, Previous previous, Outputs outputs) {

    public static final String FORMAT = "sealer-ceremony/v1";
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern HEX_ID = Pattern.compile("([0-9a-f]{2}){1,16}");

    /** {@code new-root}: a new token and root; {@code root-rollover}: a new root in the same token, cross-certified with the old. */
    public enum Kind {
        NEW_ROOT("new-root"), ROOT_ROLLOVER("root-rollover");

        final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Kind of(String id) {
            for (Kind k : values()) {
                if (k.id.equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("kind must be new-root or root-rollover, not '" + id + "'");
        }
    }

    /** The PKCS#11 module and token; {@code initializeToken} is {@code pkcs11} (a new token, C_InitToken and C_InitPIN) or {@code none}. */
    public record Hsm(String module, String tokenLabel, String initializeToken) {
    }

    /** M-of-N: {@code threshold} of the named custodians' shares open the token. */
    public record CustodyRule(int threshold, List<String> custodians) {
    }

    /** A key the ceremony creates in the token. Algorithms: {@code generic-secret-256}, {@code ecdsa-p256}. */
    /**
     * A key the ceremony creates. {@code certify} is null, or {@code time-stamping}: the ceremony then issues the key's
     * certificate from the root attestation key for RFC 3161 time-stamping only (the built-in TSA requires it).
     */
    public record KeyDefinition(String label, String id, String algorithm, String subject, int validityDays, String certify) {
        public static final String TIME_STAMPING = "time-stamping";
    }

    /** The root: its id (HKDF info of its ML-DSA key), the derivation secret, the ECDSA attestation key, the ML-DSA algorithm. */
    public record Root(String id, KeyDefinition derivationSecret, KeyDefinition attestationKey, SignatureAlgorithm mlDsa) {
    }

    /** The suite a new root certifies: its post-quantum algorithm, signing validity and overlap. */
    public record FirstSuite(SignatureAlgorithm algorithm, Duration validity, Duration overlap) {
    }

    /** A rollover's predecessor: the transcript and trust bundle of the ceremony that made the current root. */
    public record Previous(String transcript, String trustBundle) {
    }

    public record Outputs(String trustBundle, String transcript) {
    }

    public static CeremonyConfig parse(String json) {
        Map<String, Object> m = Json.parseObject(json);
        if (!FORMAT.equals(Json.string(m, "format"))) {
            throw new IllegalArgumentException("not a " + FORMAT + " ceremony file (\"format\" must be \"" + FORMAT + "\")");
        }
        Kind kind = Kind.of(Json.string(m, "kind"));
        String id = id(Json.string(m, "ceremony"), "ceremony");
        List<String> operators = names(Json.array(m, "operators"), "operators");
        Map<String, Object> hsm = Json.object(m, "hsm");
        Hsm h = new Hsm(Json.string(hsm, "module"), Json.string(hsm, "token_label"), Json.optString(hsm, "initialize_token").orElse("none"));
        if (!Set.of("pkcs11", "none").contains(h.initializeToken())) {
            throw new IllegalArgumentException("hsm.initialize_token must be pkcs11 or none");
        }
        if (kind == Kind.NEW_ROOT && !h.initializeToken().equals("pkcs11")) {
            throw new IllegalArgumentException("a new-root ceremony initialises its token and puts both PINs in custody: hsm.initialize_token must be"
                    + " pkcs11");
        }
        Map<String, Object> c = Json.object(m, "custody");
        CustodyRule custody = new CustodyRule((int) Json.integer(c, "threshold"), names(Json.array(c, "custodians"), "custody.custodians"));
        if (custody.threshold() < 2 || custody.threshold() > custody.custodians().size()) {
            throw new IllegalArgumentException("custody.threshold must be at least 2 and at most the number of custodians ("
                    + custody.custodians().size() + ")");
        }
        Map<String, Object> r = Json.object(m, "root");
        Root root = new Root(id(Json.string(r, "id"), "root.id"), key(Json.object(r, "derivation_secret"), "generic-secret-256"),
                key(Json.object(r, "attestation_key"), "ecdsa-p256"), SignatureAlgorithm.fromId(Json.optString(r, "ml_dsa").orElse("ml-dsa-65")));
        if (!root.mlDsa().id().startsWith("ml-dsa")) {
            throw new IllegalArgumentException("root.ml_dsa must be an ML-DSA algorithm");
        }
        List<KeyDefinition> extra = new ArrayList<>();
        for (Object o : Json.optArray(m, "additional_keys").orElse(List.of())) {
            extra.add(key(Json.asObject(o, "additional key"), null));
        }
        FirstSuite first = null;
        Previous previous = null;
        if (kind == Kind.NEW_ROOT) {
            Map<String, Object> f = Json.object(m, "first_suite");
            first = new FirstSuite(SignatureAlgorithm.fromId(Json.optString(f, "algorithm").orElse("ml-dsa-65")),
                    Duration.parse(Json.optString(f, "validity").orElse("P365D")), Duration.parse(Json.optString(f, "overlap").orElse("P30D")));
            if (first.validity().isNegative() || first.validity().isZero() || first.overlap().isNegative()) {
                throw new IllegalArgumentException("first_suite.validity must be positive and overlap not negative");
            }
        } else {
            Map<String, Object> p = Json.object(m, "previous");
            previous = new Previous(Json.string(p, "transcript"), Json.string(p, "trust_bundle"));
        }
        Map<String, Object> o = Json.object(m, "outputs");
        Outputs outputs = new Outputs(Json.string(o, "trust_bundle"), Json.string(o, "transcript"));
        CeremonyConfig config = new CeremonyConfig(id, kind, Json.string(m, "authority"), operators, h, custody, root, List.copyOf(extra), first,
                previous, outputs);
        config.checkUniqueKeys();
        return config;
    }

    /** Every key the ceremony creates, in creation order (a rollover keeps the existing derivation secret). */
    public List<KeyDefinition> createdKeys() {
        List<KeyDefinition> keys = new ArrayList<>();
        if (kind == Kind.NEW_ROOT) {
            keys.add(root.derivationSecret());
        }
        keys.add(root.attestationKey());
        keys.addAll(additionalKeys);
        return keys;
    }

    private void checkUniqueKeys() {
        Set<String> labels = new HashSet<>();
        Set<String> ids = new HashSet<>();
        List<KeyDefinition> all = new ArrayList<>(List.of(root.derivationSecret(), root.attestationKey()));
        all.addAll(additionalKeys);
        for (KeyDefinition k : all) {
            if (!labels.add(k.label())) {
                throw new IllegalArgumentException("key label '" + k.label() + "' is used twice");
            }
            if (!ids.add(k.id())) {
                throw new IllegalArgumentException("key id '" + k.id() + "' is used twice");
            }
        }
    }

    private static KeyDefinition key(Map<String, Object> k, String requiredAlgorithm) {
        String label = Json.string(k, "label");
        if (label.isBlank() || label.length() > 64) {
            throw new IllegalArgumentException("key label must be 1..64 characters");
        }
        String id = Json.string(k, "id");
        if (!HEX_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("key id of '" + label + "' must be 1..16 bytes in lower-case hex");
        }
        String alg = Json.optString(k, "algorithm").orElse(requiredAlgorithm);
        if (alg == null || !Set.of("generic-secret-256", "ecdsa-p256").contains(alg)) {
            throw new IllegalArgumentException("key '" + label + "': algorithm must be generic-secret-256 or ecdsa-p256");
        }
        if (requiredAlgorithm != null && !alg.equals(requiredAlgorithm)) {
            throw new IllegalArgumentException("key '" + label + "' must be " + requiredAlgorithm);
        }
        Optional<String> subject = Json.optString(k, "subject");
        int days = (int) Json.optInteger(k, "validity_days").orElse(36500);
        String certify = Json.optString(k, "certify").orElse(null);
        if (certify != null && (requiredAlgorithm != null || !certify.equals(KeyDefinition.TIME_STAMPING) || !alg.equals("ecdsa-p256"))) {
            throw new IllegalArgumentException("key '" + label + "': certify may only be time-stamping, on an additional ecdsa-p256 key");
        }
        return new KeyDefinition(label, id, alg, subject.orElse("CN=" + label), days, certify);
    }

    private static String id(String s, String what) {
        if (!ID.matcher(s).matches()) {
            throw new IllegalArgumentException(what + " must match " + ID.pattern());
        }
        return s;
    }

    private static List<String> names(List<Object> raw, String what) {
        List<String> out = new ArrayList<>();
        for (Object o : raw) {
            if (!(o instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException(what + " must be non-empty names");
            }
            if (out.contains(s)) {
                throw new IllegalArgumentException(what + " names '" + s + "' twice");
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " must name at least one person");
        }
        return List.copyOf(out);
    }
}
