package dev.sealer.core.suite;

import dev.sealer.core.crypto.PublicKeyCodec;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.time.Rfc3339;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a verifier pins: the root attestation public keys (PEM/SPKI) and every suite
 * certificate they signed. Suite certificates are checked against the root keys before use,
 * so the file may travel over untrusted channels once the root keys are pinned.
 */
public record TrustBundle(String authority, RootKeys root, List<SuiteCertificate> suites, Instant issuedAt, SuiteStatusList statusList) {
    public static final String FORMAT = "sealer-trust-bundle/v1";

    public TrustBundle {
        suites = List.copyOf(suites);
    }

    /** A bundle without a status list: every certified suite is in good standing. */
    public TrustBundle(String authority, RootKeys root, List<SuiteCertificate> suites, Instant issuedAt) {
        this(authority, root, suites, issuedAt, null);
    }

    public Optional<SuiteCertificate> suite(String suiteId) {
        return suites.stream().filter(s -> s.suiteId().equals(suiteId)).findFirst();
    }

    public Map<String, Object> toJsonValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("authority", authority);
        m.put("issued_at", Rfc3339.format(issuedAt));
        m.put("root_keys", Map.of("ecdsa-p256", root.ecdsaPem(), root.mlDsaAlgorithm().id(), root.mlDsaPem()));
        m.put("suites", suites.stream().map(SuiteCertificate::toJsonValue).toList());
        if (statusList != null) {
            m.put("status_list", statusList.toJsonValue());
        }
        return m;
    }

    public String toJson() {
        return CanonicalJson.writeString(toJsonValue());
    }

    /**
     * Reads a trust bundle. Any defect (not JSON, wrong types, a key that does not decode, a certificate that does not
     * read) is {@code SealerException(MALFORMED_BUNDLE)}, never an unchecked exception (found by ParserFuzzTest).
     */
    public static TrustBundle parse(String json) {
        try {
            return read(json);
        } catch (dev.sealer.core.error.SealerException e) {
            throw e.reason() == dev.sealer.core.error.Reason.MALFORMED_BUNDLE ? e
                    : new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.MALFORMED_BUNDLE, "malformed trust bundle: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.MALFORMED_BUNDLE, "malformed trust bundle: " + e.getMessage(), e);
        }
    }

    private static TrustBundle read(String json) {
        Map<String, Object> m = Json.parseObject(json);
        if (!FORMAT.equals(Json.string(m, "format"))) {
            throw new IllegalArgumentException("not a " + FORMAT + " document");
        }
        Map<String, Object> roots = Json.object(m, "root_keys");
        SignatureAlgorithm pq = null;
        for (String k : roots.keySet()) {
            if (k.startsWith("ml-dsa")) {
                pq = SignatureAlgorithm.fromId(k);
            }
        }
        if (pq == null) {
            throw new IllegalArgumentException("trust bundle has no ML-DSA root key");
        }
        RootKeys root = new RootKeys(RootKeys.ecdsaFromPem(Json.string(roots, "ecdsa-p256")), pq, PublicKeyCodec.fromPem(pq, Json.string(roots, pq.id())));
        List<SuiteCertificate> suites = new ArrayList<>();
        for (Object s : Json.array(m, "suites")) {
            suites.add(SuiteCertificate.fromJsonValue(Json.asObject(s, "suite certificate")));
        }
        SuiteStatusList status = Json.optObject(m, "status_list").map(SuiteStatusList::fromJsonValue).orElse(null);
        return new TrustBundle(Json.string(m, "authority"), root, suites, Rfc3339.parse(Json.string(m, "issued_at")), status);
    }
}
