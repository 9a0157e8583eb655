package dev.sealer.core.suite;

import dev.sealer.core.crypto.PublicKeyCodec;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SignatureVerifier;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** The public root attestation keys a verifier pins: ECDSA P-256 and ML-DSA. */
public record RootKeys(PublicKey ecdsaP256, SignatureAlgorithm mlDsaAlgorithm, byte[] mlDsa) {

    public RootKeys {
        if (!"EC".equals(ecdsaP256.getAlgorithm())) {
            throw new IllegalArgumentException("root classical key must be ECDSA P-256");
        }
        mlDsa = mlDsa.clone();
    }

    @Override
    public byte[] mlDsa() {
        return mlDsa.clone();
    }

    /** True when both keys are the same as {@code other}'s (compares their encodings). */
    public boolean sameAs(RootKeys other) {
        return other != null && mlDsaAlgorithm == other.mlDsaAlgorithm && java.util.Arrays.equals(mlDsa, other.mlDsa)
                && java.util.Arrays.equals(ecdsaP256.getEncoded(), other.ecdsaP256.getEncoded());
    }

    /** Hex SHA-256 of the ECDSA key's SubjectPublicKeyInfo DER (the fingerprint transcripts record). */
    public String ecdsaFingerprint() {
        return sha256Hex(ecdsaP256.getEncoded());
    }

    /** Hex SHA-256 of the raw ML-DSA public key. */
    public String mlDsaFingerprint() {
        return sha256Hex(mlDsa);
    }

    static String sha256Hex(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True only when both root signatures over {@code message} are valid. */
    public boolean verify(byte[] message, byte[] ecdsaSignature, byte[] mlDsaSignature) {
        if (ecdsaSignature == null || mlDsaSignature == null) {
            return false;
        }
        boolean classical;
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(ecdsaP256);
            s.update(message);
            classical = s.verify(ecdsaSignature);
        } catch (Exception e) {
            classical = false;
        }
        return SignatureVerifier.verify(mlDsaAlgorithm, mlDsa, message, mlDsaSignature) & classical;
    }

    public String ecdsaPem() {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ecdsaP256.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
    }

    public String mlDsaPem() {
        return PublicKeyCodec.toPem(mlDsaAlgorithm, mlDsa);
    }

    public static PublicKey ecdsaFromPem(String pem) {
        try {
            String b64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
            if (!(key instanceof java.security.interfaces.ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException("not a P-256 key");
            }
            return key;
        } catch (Exception e) {
            throw new IllegalArgumentException("root ECDSA key is not a P-256 SubjectPublicKeyInfo PEM: " + e.getMessage(), e);
        }
    }
}
