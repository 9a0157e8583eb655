package dev.sealer.core.suite;

import dev.sealer.core.crypto.PublicKeyCodec;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.time.Rfc3339;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One root attestation key set vouching for another, made at a root rollover: the old root signs
 * the new one (so verifiers that pinned the old root accept the new) and the new signs the old (so
 * verifiers that pin the new root accept suites certified before the rollover). Both root
 * algorithms sign {@code "sealer/v1/root-cross-certificate\n" || canonical body}
 * ({@link #body()}; docs/keys.md).
 */
public record RootCrossCertificate(String issuerId, RootKeys issuer, String subjectId, RootKeys subject, Instant issuedAt,
        byte[] ecdsaSignature, byte[] mlDsaSignature) {

    public RootCrossCertificate {
        ecdsaSignature = ecdsaSignature == null ? null : ecdsaSignature.clone();
        mlDsaSignature = mlDsaSignature == null ? null : mlDsaSignature.clone();
    }

    public static RootCrossCertificate issue(String issuerId, RootSigner issuer, String subjectId, RootKeys subject, Instant issuedAt) {
        RootCrossCertificate unsigned = new RootCrossCertificate(issuerId, issuer.publicKeys(), subjectId, subject, issuedAt, null, null);
        byte[] m = unsigned.signedMessage();
        return new RootCrossCertificate(issuerId, issuer.publicKeys(), subjectId, subject, issuedAt, issuer.ecdsaP256(m), issuer.mlDsa(m));
    }

    @Override
    public byte[] ecdsaSignature() {
        return ecdsaSignature == null ? null : ecdsaSignature.clone();
    }

    @Override
    public byte[] mlDsaSignature() {
        return mlDsaSignature == null ? null : mlDsaSignature.clone();
    }

    public Map<String, Object> body() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("issuer", rootJson(issuerId, issuer));
        m.put("subject", rootJson(subjectId, subject));
        m.put("issued_at", Rfc3339.format(issuedAt));
        return m;
    }

    public byte[] signedMessage() {
        return SignedMessage.of(SignedMessage.ROOT_CROSS_CERTIFICATE, CanonicalJson.write(body()));
    }

    /** True when the issuer's two root keys both signed this body. */
    public boolean isSigned() {
        return issuer.verify(signedMessage(), ecdsaSignature, mlDsaSignature);
    }

    public Map<String, Object> toJsonValue() {
        Map<String, Object> m = new LinkedHashMap<>(body());
        m.put("root_signatures", Map.of("ecdsa-p256", Base64.getEncoder().encodeToString(ecdsaSignature), "ml-dsa",
                Base64.getEncoder().encodeToString(mlDsaSignature)));
        return m;
    }

    public static RootCrossCertificate fromJsonValue(Map<String, Object> m) {
        if (Json.integer(m, "v") != 1) {
            throw new IllegalArgumentException("unsupported root cross-certificate version");
        }
        Map<String, Object> issuer = Json.object(m, "issuer");
        Map<String, Object> subject = Json.object(m, "subject");
        Map<String, Object> sigs = Json.object(m, "root_signatures");
        return new RootCrossCertificate(Json.string(issuer, "root_id"), rootFrom(issuer), Json.string(subject, "root_id"), rootFrom(subject),
                Rfc3339.parse(Json.string(m, "issued_at")), Base64.getDecoder().decode(Json.string(sigs, "ecdsa-p256")),
                Base64.getDecoder().decode(Json.string(sigs, "ml-dsa")));
    }

    /** {@code {"root_id", "ecdsa-p256": PEM, "<ml-dsa id>": PEM}}: the same key names as a trust bundle's root_keys. */
    static Map<String, Object> rootJson(String id, RootKeys keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root_id", id);
        m.put("ecdsa-p256", keys.ecdsaPem());
        m.put(keys.mlDsaAlgorithm().id(), keys.mlDsaPem());
        return m;
    }

    /** Root keys from a {@code root_keys}-shaped object: {@code ecdsa-p256} and one {@code ml-dsa-*} PEM. */
    static RootKeys rootFrom(Map<String, Object> roots) {
        SignatureAlgorithm pq = null;
        for (String k : roots.keySet()) {
            if (k.startsWith("ml-dsa")) {
                if (pq != null) {
                    throw new IllegalArgumentException("more than one ML-DSA root key");
                }
                pq = SignatureAlgorithm.fromId(k);
            }
        }
        if (pq == null) {
            throw new IllegalArgumentException("no ML-DSA root key");
        }
        return new RootKeys(RootKeys.ecdsaFromPem(Json.string(roots, "ecdsa-p256")), pq, PublicKeyCodec.fromPem(pq, Json.string(roots, pq.id())));
    }
}
