package dev.sealer.core.log;

/** One trusted key that verifies note signatures; identified by key name and key id together. */
public interface NoteVerifier {

    /** The key name expected on the signature line. */
    String keyName();

    /** The 4-byte key id expected at the start of the decoded signature. */
    byte[] keyId();

    /**
     * Whether {@code sig} (the signature line's bytes after the key id) is a valid signature of
     * the exact note text {@code body}. Should return false, not throw, for a bad signature.
     */
    boolean verify(byte[] body, byte[] sig);
}
