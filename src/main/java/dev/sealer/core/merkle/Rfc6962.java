package dev.sealer.core.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The RFC 6962 / RFC 9162 Merkle tree hasher over SHA-256.
 *
 * <ul>
 *   <li>leaf hash = SHA-256(0x00 || leaf data)</li>
 *   <li>node hash = SHA-256(0x01 || left || right)</li>
 *   <li>empty tree root = SHA-256("")</li>
 * </ul>
 *
 * <p>The prefixes give domain separation between leaves and interior nodes, which is what
 * prevents second-preimage attacks on the tree. Stateless and thread-safe: every call uses its
 * own {@link MessageDigest}.
 */
public final class Rfc6962 {

    /** Length in bytes of every hash produced here. */
    public static final int HASH_SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final byte[] EMPTY_ROOT = newSha256().digest();

    private Rfc6962() {}

    /** SHA-256(0x00 || leafData). */
    public static byte[] leafHash(byte[] leafData) {
        Objects.requireNonNull(leafData, "leafData");
        MessageDigest md = sha256();
        md.update(LEAF_PREFIX);
        md.update(leafData);
        return md.digest();
    }

    /**
     * SHA-256(0x01 || left || right).
     *
     * @throws IllegalArgumentException if either child is not {@value #HASH_SIZE} bytes
     */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        requireHash(left, "left");
        requireHash(right, "right");
        MessageDigest md = sha256();
        md.update(NODE_PREFIX);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /** SHA-256 of the empty string: the root of the tree of size 0. */
    public static byte[] emptyRoot() {
        return EMPTY_ROOT.clone();
    }

    static void requireHash(byte[] hash, String what) {
        Objects.requireNonNull(hash, what);
        if (hash.length != HASH_SIZE) {
            throw new IllegalArgumentException(
                    what + " must be " + HASH_SIZE + " bytes, got " + hash.length);
        }
    }

    /** One digest per thread, reset by each {@code digest()}: a provider lookup per hash costs more than the hash. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Rfc6962::newSha256);

    private static MessageDigest sha256() {
        return SHA256.get();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
