package dev.sealer.core.crypto;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies raw signatures against raw public keys. Pure Ed25519 (BouncyCastle, ~15x faster than
 * the JDK's) and pure ML-DSA with an empty context (JDK 25, ~2x faster than BouncyCastle's);
 * see docs/performance.md.
 *
 * <p>Never throws for malformed keys or signatures: anything that is not a valid signature is
 * {@code false}. Thread-safe and stateless apart from a small cache of decoded ML-DSA keys.
 */
public final class SignatureVerifier {

    /** Suites have a handful of keys; the cache only avoids re-decoding them. */
    private static final int KEY_CACHE_LIMIT = 64;
    private static final ConcurrentHashMap<KeyId, PublicKey> JDK_KEYS = new ConcurrentHashMap<>();

    private SignatureVerifier() {
    }

    public static boolean verify(SignatureAlgorithm alg, byte[] rawPublicKey, byte[] message, byte[] signature) {
        if (alg == null || rawPublicKey == null || message == null || signature == null) {
            return false;
        }
        if (rawPublicKey.length != alg.publicKeySize() || signature.length != alg.signatureSize()) {
            return false;
        }
        try {
            return switch (alg) {
                case ED25519 -> Ed25519.verify(signature, 0, rawPublicKey, 0, message, 0, message.length);
                case ML_DSA_44, ML_DSA_65, ML_DSA_87 -> verifyMlDsa(alg, rawPublicKey, message, signature);
            };
        } catch (Exception | AssertionError e) {
            return false;
        }
    }

    private static boolean verifyMlDsa(SignatureAlgorithm alg, byte[] pk, byte[] message, byte[] signature)
            throws Exception {
        PublicKey key = jdkPublicKey(alg, pk);
        Signature s = Signature.getInstance("ML-DSA");
        s.initVerify(key);
        s.update(message);
        return s.verify(signature);
    }

    private static PublicKey jdkPublicKey(SignatureAlgorithm alg, byte[] pk) throws Exception {
        KeyId id = new KeyId(alg, pk.clone());
        PublicKey cached = JDK_KEYS.get(id);
        if (cached != null) {
            return cached;
        }
        PublicKey key = KeyFactory.getInstance("ML-DSA")
                .generatePublic(new X509EncodedKeySpec(PublicKeyCodec.toDer(alg, pk)));
        if (JDK_KEYS.size() >= KEY_CACHE_LIMIT) {
            JDK_KEYS.clear();
        }
        JDK_KEYS.putIfAbsent(id, key);
        return key;
    }

    /** Public keys are not secret: ordinary hashing is fine here. */
    private record KeyId(SignatureAlgorithm alg, byte[] pk) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyId k && k.alg == alg && Arrays.equals(k.pk, pk);
        }

        @Override
        public int hashCode() {
            return 31 * alg.hashCode() + Arrays.hashCode(pk);
        }

        @Override
        public String toString() {
            return "KeyId[" + alg + "]";
        }
    }
}
