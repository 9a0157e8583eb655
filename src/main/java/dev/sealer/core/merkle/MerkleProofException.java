package dev.sealer.core.merkle;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.util.HexFormat;

/**
 * A Merkle proof did not verify. {@link #detail()} says why in a stable, machine-readable
 * form; for {@link Detail#ROOT_MISMATCH} the expected and calculated roots are attached. Its reason
 * is {@link Reason#MERKLE_PROOF_INVALID}.
 */
public final class MerkleProofException extends SealerException {

    /** Why verification failed. */
    public enum Detail {
        /** Leaf index negative or not below the tree size. */
        INDEX_OUT_OF_RANGE,
        /** Negative size, or size1 > size2. */
        BAD_TREE_SIZE,
        /** Consistency from the empty tree: meaningless, always rejected. */
        EMPTY_TREE,
        /** Proof has the wrong number of hashes for the sizes (incl. empty / non-empty rules). */
        WRONG_PROOF_SIZE,
        /** A leaf or proof hash is not {@value Rfc6962#HASH_SIZE} bytes. */
        BAD_HASH_LENGTH,
        /** The proof is well-formed but leads to a different root. */
        ROOT_MISMATCH
    }

    private final Detail detail;
    private final byte[] expectedRoot;
    private final byte[] calculatedRoot;

    MerkleProofException(Detail detail, String message) {
        super(Reason.MERKLE_PROOF_INVALID, message);
        this.detail = detail;
        this.expectedRoot = null;
        this.calculatedRoot = null;
    }

    MerkleProofException(String message, byte[] expectedRoot, byte[] calculatedRoot) {
        super(Reason.MERKLE_PROOF_INVALID, message + ": calculated root " + hex(calculatedRoot)
                + " does not match expected root " + hex(expectedRoot));
        this.detail = Detail.ROOT_MISMATCH;
        this.expectedRoot = expectedRoot.clone();
        this.calculatedRoot = calculatedRoot.clone();
    }

    public Detail detail() {
        return detail;
    }

    /** The root the caller trusted; null unless {@link Detail#ROOT_MISMATCH}. */
    public byte[] expectedRoot() {
        return expectedRoot == null ? null : expectedRoot.clone();
    }

    /** The root the proof leads to; null unless {@link Detail#ROOT_MISMATCH}. */
    public byte[] calculatedRoot() {
        return calculatedRoot == null ? null : calculatedRoot.clone();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
