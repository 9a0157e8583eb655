package dev.sealer.core.suite;

/**
 * The root attestation keys that certify suites: ECDSA P-256 (held in the HSM) and ML-DSA
 * (derived from the HSM root only while certifying, where the HSM has no ML-DSA).
 */
public interface RootSigner {
    /** SHA256withECDSA signature (DER) over {@code message}. */
    byte[] ecdsaP256(byte[] message);

    /** Pure ML-DSA signature over {@code message}. */
    byte[] mlDsa(byte[] message);

    RootKeys publicKeys();
}
