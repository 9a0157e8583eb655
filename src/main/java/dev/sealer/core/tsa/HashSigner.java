package dev.sealer.core.tsa;

/**
 * Signs a message with ECDSA P-256 over SHA-256 ({@code SHA256withECDSA}), answering the DER
 * signature. The production implementation signs inside the HSM; the key never reaches this side.
 */
@FunctionalInterface
public interface HashSigner {
    byte[] sha256WithEcdsa(byte[] message);
}
