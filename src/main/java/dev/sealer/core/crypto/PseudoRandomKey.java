package dev.sealer.core.crypto;

/**
 * An HKDF pseudo-random key (RFC 5869 PRK). In production it lives in an HSM and only the HMAC
 * is computed through it; the key itself is never visible to this process.
 */
@FunctionalInterface
public interface PseudoRandomKey {
    /** HMAC-SHA256(PRK, message). */
    byte[] hmacSha256(byte[] message);
}
