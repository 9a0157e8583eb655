package dev.sealer.core.tsa;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;

/**
 * What a checkpoint's time-stamp token covers: its message imprint is SHA-256 of the checkpoint
 * body, the exact signed text of the note up to and including the newline before the blank line
 * (origin, tree size, base64 root hash and the {@code time} line). So the token binds the tree
 * size and root, independent of the (randomised) signature lines.
 */
public final class CheckpointStamp {
    public static final ASN1ObjectIdentifier IMPRINT_ALGORITHM = NISTObjectIdentifiers.id_sha256;

    private CheckpointStamp() {
    }

    /** The body of a signed note: the text before the blank line that starts the signatures, with its final newline. */
    public static byte[] body(String note) {
        int end = note.indexOf("\n\n");
        if (end < 0) {
            throw new IllegalArgumentException("not a signed note: no blank line before the signatures");
        }
        return note.substring(0, end + 1).getBytes(StandardCharsets.UTF_8);
    }

    /** SHA-256 of {@link #body(String)}: the message imprint of the checkpoint's token. */
    public static byte[] imprint(String note) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body(note));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
