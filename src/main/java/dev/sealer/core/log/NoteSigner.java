package dev.sealer.core.log;

/**
 * One key that signs notes. Implementations wrap the real key (HSM, software); this package
 * never sees key material.
 */
public interface NoteSigner {

    /** The key name written on the signature line; non-empty, no Unicode spaces, no '+'. */
    String keyName();

    /** The 4-byte key id, usually {@link SignedNote#keyId(String, byte, byte[])}. */
    byte[] keyId();

    /** Signs the exact note text (body bytes, final newline included). */
    byte[] sign(byte[] body);
}
