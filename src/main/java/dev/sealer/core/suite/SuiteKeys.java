package dev.sealer.core.suite;

import dev.sealer.core.crypto.DerivationInfo;
import dev.sealer.core.crypto.PseudoRandomKey;
import dev.sealer.core.crypto.SecretBytes;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SigningKey;

/**
 * The private keys of one suite, derived from the root and held in memory only: Ed25519 and
 * ML-DSA, each from its own HKDF seed ({@code info} = op-key label, suite id, algorithm). Where a
 * seal is signed: {@link #sign(byte[])} signs one message with both. Wiped when the suite stops
 * signing.
 */
public final class SuiteKeys implements AutoCloseable {
    private final String suiteId;
    private final SigningKey ed25519;
    private final SigningKey mlDsa;

    private SuiteKeys(String suiteId, SigningKey ed25519, SigningKey mlDsa) {
        this.suiteId = suiteId;
        this.ed25519 = ed25519;
        this.mlDsa = mlDsa;
    }

    /** Derives both keys of {@code suiteId} from the root PRK (in production: HMAC inside the HSM). */
    public static SuiteKeys derive(PseudoRandomKey root, String label, String suiteId, SignatureAlgorithm pq) {
        if (!pq.postQuantum()) {
            throw new IllegalArgumentException("the second algorithm of a suite must be ML-DSA, got " + pq.id());
        }
        try (SecretBytes edSeed = DerivationInfo.deriveSeed(root, label, suiteId, SignatureAlgorithm.ED25519);
                SecretBytes pqSeed = DerivationInfo.deriveSeed(root, label, suiteId, pq)) {
            return new SuiteKeys(suiteId, SigningKey.fromSeed(SignatureAlgorithm.ED25519, edSeed), SigningKey.fromSeed(pq, pqSeed));
        }
    }

    /** Operational keys of a suite. */
    public static SuiteKeys operational(PseudoRandomKey root, String suiteId, SignatureAlgorithm pq) {
        return derive(root, DerivationInfo.OPERATIONAL_KEY_LABEL, suiteId, pq);
    }

    public String suiteId() {
        return suiteId;
    }

    public SignatureAlgorithm pqAlgorithm() {
        return mlDsa.algorithm();
    }

    public byte[] ed25519PublicKey() {
        return ed25519.publicKey();
    }

    public byte[] mlDsaPublicKey() {
        return mlDsa.publicKey();
    }

    /** Both signatures over the same message. */
    public DualSignature sign(byte[] message) {
        return new DualSignature(ed25519.sign(message), mlDsa.sign(message));
    }

    public SigningKey ed25519() {
        return ed25519;
    }

    public SigningKey mlDsa() {
        return mlDsa;
    }

    public void wipe() {
        ed25519.wipe();
        mlDsa.wipe();
    }

    @Override
    public void close() {
        wipe();
    }

    @Override
    public String toString() {
        return "SuiteKeys[" + suiteId + ", redacted]";
    }
}
