package dev.sealer.core.suite;

import dev.sealer.core.crypto.PublicKeyCodec;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SignatureVerifier;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.time.Rfc3339;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A suite's public keys and signing window, certified by both root attestation keys. The
 * certified body is RFC 8785 JSON; the signed message is {@code "sealer/v1/suite-certificate\n" || body}.
 */
public record SuiteCertificate(String suiteId, SignatureAlgorithm pqAlgorithm, byte[] ed25519PublicKey, byte[] pqPublicKey,
        Instant signFrom, Instant signUntil, Instant verifyUntil, Instant issuedAt, byte[] rootEcdsaSignature,
        byte[] rootMlDsaSignature) {

    public SuiteCertificate {
        if (!signFrom.isBefore(signUntil) || verifyUntil.isBefore(signUntil)) {
            throw new IllegalArgumentException("suite windows must satisfy sign_from < sign_until <= verify_until");
        }
        ed25519PublicKey = ed25519PublicKey.clone();
        pqPublicKey = pqPublicKey.clone();
        rootEcdsaSignature = rootEcdsaSignature == null ? null : rootEcdsaSignature.clone();
        rootMlDsaSignature = rootMlDsaSignature == null ? null : rootMlDsaSignature.clone();
    }

    @Override
    public byte[] ed25519PublicKey() {
        return ed25519PublicKey.clone();
    }

    @Override
    public byte[] pqPublicKey() {
        return pqPublicKey.clone();
    }

    @Override
    public byte[] rootEcdsaSignature() {
        return rootEcdsaSignature == null ? null : rootEcdsaSignature.clone();
    }

    @Override
    public byte[] rootMlDsaSignature() {
        return rootMlDsaSignature == null ? null : rootMlDsaSignature.clone();
    }

    /** Certifies a suite's public keys with the root signer. */
    public static SuiteCertificate issue(String suiteId, byte[] ed25519PublicKey, SignatureAlgorithm pq, byte[] pqPublicKey,
            Instant signFrom, Instant signUntil, Instant verifyUntil, Instant issuedAt, RootSigner root) {
        SuiteCertificate unsigned = new SuiteCertificate(suiteId, pq, ed25519PublicKey, pqPublicKey, signFrom, signUntil, verifyUntil,
                issuedAt, null, null);
        byte[] message = unsigned.signedMessage();
        return new SuiteCertificate(suiteId, pq, ed25519PublicKey, pqPublicKey, signFrom, signUntil, verifyUntil, issuedAt,
                root.ecdsaP256(message), root.mlDsa(message));
    }

    public Map<String, Object> body() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("suite_id", suiteId);
        m.put("algorithms", List.of(SignatureAlgorithm.ED25519.id(), pqAlgorithm.id()));
        m.put("public_keys", Map.of(SignatureAlgorithm.ED25519.id(), PublicKeyCodec.toPem(SignatureAlgorithm.ED25519, ed25519PublicKey),
                pqAlgorithm.id(), PublicKeyCodec.toPem(pqAlgorithm, pqPublicKey)));
        m.put("sign_from", Rfc3339.format(signFrom));
        m.put("sign_until", Rfc3339.format(signUntil));
        m.put("verify_until", Rfc3339.format(verifyUntil));
        m.put("issued_at", Rfc3339.format(issuedAt));
        return m;
    }

    public byte[] signedMessage() {
        return SignedMessage.of(SignedMessage.SUITE_CERTIFICATE, CanonicalJson.write(body()));
    }

    /** True when both root signatures certify this body. */
    public boolean isCertifiedBy(RootKeys root) {
        return root.verify(signedMessage(), rootEcdsaSignature, rootMlDsaSignature);
    }

    /** True only when both suite signatures over {@code message} are valid (a stripped signature fails). */
    public boolean verifies(byte[] message, DualSignature signature) {
        if (signature == null || signature.ed25519() == null || signature.mlDsa() == null) {
            return false;
        }
        boolean classical = SignatureVerifier.verify(SignatureAlgorithm.ED25519, ed25519PublicKey, message, signature.ed25519());
        boolean pq = SignatureVerifier.verify(pqAlgorithm, pqPublicKey, message, signature.mlDsa());
        return classical & pq;
    }

    public Map<String, Object> toJsonValue() {
        Map<String, Object> m = new LinkedHashMap<>(body());
        Base64.Encoder b64 = Base64.getEncoder();
        m.put("root_signatures", Map.of("ecdsa-p256", b64.encodeToString(rootEcdsaSignature), "ml-dsa", b64.encodeToString(rootMlDsaSignature)));
        return m;
    }

    public static SuiteCertificate fromJsonValue(Map<String, Object> m) {
        List<Object> algs = Json.array(m, "algorithms");
        if (algs.size() != 2 || !SignatureAlgorithm.ED25519.id().equals(algs.get(0))) {
            throw new IllegalArgumentException("suite algorithms must be [ed25519, ml-dsa-*]");
        }
        SignatureAlgorithm pq = SignatureAlgorithm.fromId(String.valueOf(algs.get(1)));
        Map<String, Object> keys = Json.object(m, "public_keys");
        Map<String, Object> sigs = Json.object(m, "root_signatures");
        Base64.Decoder b64 = Base64.getDecoder();
        SuiteCertificate c = new SuiteCertificate(Json.string(m, "suite_id"), pq,
                PublicKeyCodec.fromPem(SignatureAlgorithm.ED25519, Json.string(keys, SignatureAlgorithm.ED25519.id())),
                PublicKeyCodec.fromPem(pq, Json.string(keys, pq.id())),
                Rfc3339.parse(Json.string(m, "sign_from")), Rfc3339.parse(Json.string(m, "sign_until")),
                Rfc3339.parse(Json.string(m, "verify_until")), Rfc3339.parse(Json.string(m, "issued_at")),
                b64.decode(Json.string(sigs, "ecdsa-p256")), b64.decode(Json.string(sigs, "ml-dsa")));
        if (Json.integer(m, "v") != 1) {
            throw new IllegalArgumentException("unsupported suite certificate version");
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SuiteCertificate c && java.util.Arrays.equals(CanonicalJson.write(toJsonValue()), CanonicalJson.write(c.toJsonValue()));
    }

    @Override
    public int hashCode() {
        return suiteId.hashCode();
    }
}
