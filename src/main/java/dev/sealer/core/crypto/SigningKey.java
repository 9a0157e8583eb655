package dev.sealer.core.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.security.auth.DestroyFailedException;
import javax.security.auth.Destroyable;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A private signing key derived from a 32-byte seed. It lives in process memory only: it is
 * never serialised, never logged, re-derived from the HSM root on start and {@link #wipe() wiped}
 * when its suite leaves signing.
 *
 * <ul>
 *   <li>Ed25519: RFC 8032 key from the seed; signs with BouncyCastle's {@code rfc8032.Ed25519}
 *       (measured ~15x faster than the JDK's EdDSA, see docs/performance.md).</li>
 *   <li>ML-DSA: FIPS 204 {@code ML-DSA.KeyGen_internal(xi = seed)} computed by BouncyCastle
 *       (public key and expanded private key); signs with the JDK 25 {@code ML-DSA}
 *       {@link Signature} (measured ~2x faster than BouncyCastle's), pure ML-DSA, empty context,
 *       hedged: {@code rnd} comes from a {@link SecureRandom}.</li>
 * </ul>
 *
 * <p>Thread-safe: any number of threads may call {@link #sign(byte[])} concurrently.
 */
public final class SigningKey {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SignatureAlgorithm algorithm;
    private final byte[] publicKey;
    private final Engine engine;
    /** Read lock: signing; write lock: wiping. A signature is never made from half-wiped state. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean wiped;

    private SigningKey(SignatureAlgorithm algorithm, byte[] publicKey, Engine engine) {
        this.algorithm = algorithm;
        this.publicKey = publicKey;
        this.engine = engine;
    }

    /**
     * Derives the key from a 32-byte seed. The seed is copied: the caller keeps ownership of
     * {@code seed32} and should close it.
     *
     * @throws IllegalArgumentException if the seed is not 32 bytes
     * @throws IllegalStateException if the seed has been wiped
     */
    public static SigningKey fromSeed(SignatureAlgorithm algorithm, SecretBytes seed32) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(seed32, "seed32");
        if (seed32.length() != DerivationInfo.SEED_LENGTH) {
            throw new IllegalArgumentException("seed must be 32 bytes, was " + seed32.length());
        }
        byte[] seed = seed32.reveal();
        return switch (algorithm) {
            case ED25519 -> ed25519(seed);
            case ML_DSA_44, ML_DSA_65, ML_DSA_87 -> mlDsa(algorithm, seed);
        };
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    /** Raw public key: Ed25519 32 bytes; ML-DSA the FIPS 204 {@code pkEncode} bytes. A copy. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * Signs {@code message}: pure Ed25519, or pure hedged ML-DSA with an empty context.
     *
     * @throws IllegalStateException after {@link #wipe()}
     */
    public byte[] sign(byte[] message) {
        Objects.requireNonNull(message, "message");
        lock.readLock().lock();
        try {
            checkNotWiped();
            return engine.sign(message);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Deterministic signing for known-answer tests: Ed25519 is deterministic anyway; ML-DSA uses
     * {@code rnd} = 32 zero bytes (FIPS 204 deterministic variant). Not for production seals.
     */
    byte[] signDeterministic(byte[] message) {
        return signWithRandomness(message, new byte[32]);
    }

    /** ML-DSA with a caller-chosen {@code rnd} (test vectors only). Ed25519 ignores {@code rnd}. */
    byte[] signWithRandomness(byte[] message, byte[] rnd) {
        Objects.requireNonNull(message, "message");
        if (rnd.length != 32) {
            throw new IllegalArgumentException("rnd must be 32 bytes");
        }
        lock.readLock().lock();
        try {
            checkNotWiped();
            return engine.signWithRandomness(message, rnd);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Zeroes every private buffer this key holds and drops library key objects. Idempotent. */
    public void wipe() {
        lock.writeLock().lock();
        try {
            if (!wiped) {
                wiped = true;
                engine.wipe();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    public boolean isWiped() {
        lock.readLock().lock();
        try {
            return wiped;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkNotWiped() {
        if (wiped) {
            throw new IllegalStateException("signing key (" + algorithm.id() + ") has been wiped");
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + algorithm.id() + ", private key redacted]";
    }

    // ---------------------------------------------------------------- engines

    private interface Engine {
        byte[] sign(byte[] message);

        byte[] signWithRandomness(byte[] message, byte[] rnd);

        void wipe();
    }

    private static SigningKey ed25519(byte[] seed) {
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, pk, 0);
        return new SigningKey(SignatureAlgorithm.ED25519, pk, new Ed25519Engine(seed, pk.clone()));
    }

    /** BouncyCastle low-level RFC 8032: stateless and thread-safe; we own (and wipe) the seed buffer. */
    private static final class Ed25519Engine implements Engine {
        private final byte[] seed;
        private final byte[] pk;

        Ed25519Engine(byte[] seed, byte[] pk) {
            this.seed = seed;
            this.pk = pk;
        }

        @Override
        public byte[] sign(byte[] message) {
            byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
            Ed25519.sign(seed, 0, pk, 0, message, 0, message.length, sig, 0);
            return sig;
        }

        @Override
        public byte[] signWithRandomness(byte[] message, byte[] rnd) {
            return sign(message);
        }

        @Override
        public void wipe() {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static MLDSAParameters bcParameters(SignatureAlgorithm alg) {
        return switch (alg) {
            case ML_DSA_44 -> MLDSAParameters.ml_dsa_44;
            case ML_DSA_65 -> MLDSAParameters.ml_dsa_65;
            case ML_DSA_87 -> MLDSAParameters.ml_dsa_87;
            case ED25519 -> throw new IllegalArgumentException("not ML-DSA: " + alg);
        };
    }

    private static SigningKey mlDsa(SignatureAlgorithm alg, byte[] seed) {
        MLDSAPrivateKeyParameters fromSeed = null;
        MLDSAPrivateKeyParameters expanded = null;
        byte[] sk = null;
        byte[] pkcs8 = null;
        try {
            // FIPS 204 ML-DSA.KeyGen_internal(xi = seed) by BouncyCastle
            fromSeed = new MLDSAPrivateKeyParameters(bcParameters(alg), seed);
            byte[] pk = fromSeed.getPublicKey();
            expanded = fromSeed.getParametersWithFormat(MLDSAPrivateKeyParameters.EXPANDED_KEY);
            sk = expanded.getEncoded();
            // JDK 25 PKCS#8 for ML-DSA: privateKey OCTET STRING { OCTET STRING expandedKey }.
            // (JDK 25.0.3 rejects the seed-only [0] form; the expandedKey form is also the
            // RFC 9881 CHOICE alternative, so later JDKs accept it too.)
            pkcs8 = Der.pkcs8(alg.oid(), Der.octetString(sk));
            PrivateKey jdkKey = KeyFactory.getInstance("ML-DSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new SigningKey(alg, pk, new JdkMlDsaEngine(jdkKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK ML-DSA unavailable", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
            if (sk != null) {
                Arrays.fill(sk, (byte) 0);
            }
            if (pkcs8 != null) {
                Arrays.fill(pkcs8, (byte) 0);
            }
            if (expanded != null) {
                expanded.destroy();
            }
            if (fromSeed != null) {
                fromSeed.destroy();
            }
        }
    }

    /**
     * JDK ML-DSA signer. A {@link Signature} is not thread-safe, so initialised instances are
     * pooled: a thread takes one, signs, and returns it (see docs/performance.md for the
     * pool-vs-lock-vs-ThreadLocal measurement). Unlike a ThreadLocal, the pool is owned by
     * this key, so {@link #wipe()} can drop every instance.
     */
    private static final class JdkMlDsaEngine implements Engine {
        private final PrivateKey key;
        private final ConcurrentLinkedQueue<Signature> pool = new ConcurrentLinkedQueue<>();
        private volatile boolean wiped;

        JdkMlDsaEngine(PrivateKey key) {
            this.key = key;
        }

        @Override
        public byte[] sign(byte[] message) {
            Signature s = pool.poll();
            try {
                if (s == null) {
                    s = newSignature(RANDOM);
                }
                s.update(message);
                byte[] sig = s.sign();
                if (!wiped) {
                    pool.offer(s);
                }
                return sig;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ML-DSA signing failed", e);
            }
        }

        @Override
        public byte[] signWithRandomness(byte[] message, byte[] rnd) {
            FixedRandom fixed = new FixedRandom(rnd);
            try {
                Signature s = newSignature(fixed);
                s.update(message);
                byte[] sig = s.sign();
                if (fixed.reads != 1) {
                    throw new IllegalStateException("expected exactly one 32-byte randomness read, saw " + fixed.reads);
                }
                return sig;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ML-DSA signing failed", e);
            }
        }

        private Signature newSignature(SecureRandom random) throws GeneralSecurityException {
            Signature s = Signature.getInstance("ML-DSA");
            s.initSign(key, random);
            return s;
        }

        @Override
        public void wipe() {
            wiped = true;
            pool.clear();
            if (key instanceof Destroyable d && !d.isDestroyed()) {
                try {
                    d.destroy();
                } catch (DestroyFailedException e) {
                    // the JDK key cannot be destroyed; it is unreachable from here on
                }
            }
        }
    }

    /** A SecureRandom that yields a fixed 32-byte value exactly once (FIPS 204 {@code rnd}). */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] value;
        int reads;

        FixedRandom(byte[] value) {
            this.value = value.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (reads++ > 0 || bytes.length != value.length) {
                throw new IllegalStateException("unexpected randomness read of " + bytes.length + " bytes");
            }
            System.arraycopy(value, 0, bytes, 0, value.length);
        }
    }
}
