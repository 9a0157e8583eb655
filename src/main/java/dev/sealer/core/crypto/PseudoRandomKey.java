package dev.sealer.core.crypto;

/**
 * An HKDF pseudo-random key (RFC 5869 "PRK") that can only be used, never read.
 *
 * <p>In production the PRK is the root derivation secret inside the HSM (a non-extractable
 * {@code CKK_GENERIC_SECRET}); the PKCS#11 adapter implements this interface with SunPKCS11
 * {@code HmacSHA256}. {@link InMemoryPseudoRandomKey} is the in-process implementation for tests
 * and the offline verifier's test vectors.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface PseudoRandomKey {

    /** HMAC-SHA256(PRK, message): 32 bytes. Must not retain {@code message}. */
    byte[] hmacSha256(byte[] message);
}
