package dev.sealer.core.merkle;

import dev.sealer.core.merkle.MerkleProofException.Detail;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

/**
 * Pure verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs over
 * the {@link Rfc6962} hasher. No I/O; failures throw {@link MerkleProofException}.
 *
 * <p>Beyond the RFC algorithms, which only define 0 <= index < size and 0 < size1 < size2:
 * a consistency proof between equal sizes must be empty and the roots equal; one from size 0
 * is always rejected (it proves nothing); the leaf hash and every proof hash must be exactly
 * {@value Rfc6962#HASH_SIZE} bytes, and so must root1 when it enters a computation
 * (size1 < size2). Other trusted roots are compared as given, whatever their length.
 */
public final class MerkleVerifier {

    private MerkleVerifier() {}

    /**
     * Verifies that {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves with
     * root {@code root}. Requires 0 <= index < size.
     *
     * @throws MerkleProofException if it is not
     */
    public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        Objects.requireNonNull(root, "root");
        byte[] calculated = rootFromInclusionProof(index, size, leafHash, proof);
        requireMatch("inclusion proof", root, calculated);
    }

    /**
     * The root of the tree of {@code size} leaves implied by an inclusion proof for
     * {@code leafHash} at {@code index}; the caller compares it with a trusted root. Requires
     * 0 <= index < size.
     *
     * @throws MerkleProofException if the arguments or the proof shape are invalid
     */
    public static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> proof) {
        Objects.requireNonNull(proof, "proof");
        if (index < 0 || index >= size) {
            throw new MerkleProofException(Detail.INDEX_OUT_OF_RANGE,
                    "leaf index " + index + " not in tree of size " + size);
        }
        requireHash(leafHash, "leaf hash");
        // RFC 9162 §2.1.3.2
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (int i = 0; i < proof.size(); i++) {
            if (sn == 0) {
                throw wrongSize("inclusion", proof.size());
            }
            byte[] p = requireHash(proof.get(i), "proof[" + i + "]");
            if ((fn & 1) == 1 || fn == sn) {
                r = Rfc6962.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = Rfc6962.nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw wrongSize("inclusion", proof.size());
        }
        return r.clone();
    }

    /**
     * Verifies that the tree of {@code size1} leaves with root {@code root1} is a prefix of the
     * tree of {@code size2} leaves with root {@code root2}. Requires 0 < size1 <= size2.
     *
     * @throws MerkleProofException if it is not
     */
    public static void verifyConsistency(long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2) {
        Objects.requireNonNull(root2, "root2");
        byte[] calculated = rootFromConsistencyProof(size1, size2, proof, root1);
        requireMatch("consistency proof (second root)", root2, calculated);
    }

    /**
     * The root of the tree of {@code size2} leaves implied by a consistency proof from the tree
     * of {@code size1} leaves with the trusted root {@code root1}, after checking that the proof
     * does reproduce {@code root1}. Requires 0 < size1 <= size2.
     *
     * @throws MerkleProofException if the arguments are invalid, the proof is malformed, or it
     *     does not lead to {@code root1}
     */
    public static byte[] rootFromConsistencyProof(long size1, long size2, List<byte[]> proof, byte[] root1) {
        Objects.requireNonNull(proof, "proof");
        Objects.requireNonNull(root1, "root1");
        if (size1 < 0 || size2 < size1) {
            throw new MerkleProofException(Detail.BAD_TREE_SIZE,
                    "consistency needs 0 <= size1 <= size2, got " + size1 + ", " + size2);
        }
        if (size1 == 0) {
            throw new MerkleProofException(Detail.EMPTY_TREE,
                    "consistency proof from the empty tree is meaningless");
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw wrongSize("consistency (equal sizes)", proof.size());
            }
            return root1.clone();
        }
        // RFC 9162 §2.1.4.2
        if (proof.isEmpty()) {
            throw wrongSize("consistency", 0);
        }
        requireHash(root1, "root1"); // hashed as a node when size1 is a power of two
        int start = 0;
        byte[] first;
        if (Long.bitCount(size1) == 1) {
            first = root1; // step 2: the old root is itself the first path node
        } else {
            first = requireHash(proof.getFirst(), "proof[0]");
            start = 1;
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = first;
        byte[] sr = first;
        for (int i = start; i < proof.size(); i++) {
            if (sn == 0) {
                throw wrongSize("consistency", proof.size());
            }
            byte[] c = requireHash(proof.get(i), "proof[" + i + "]");
            if ((fn & 1) == 1 || fn == sn) {
                fr = Rfc6962.nodeHash(c, fr);
                sr = Rfc6962.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = Rfc6962.nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw wrongSize("consistency", proof.size());
        }
        requireMatch("consistency proof (first root)", root1, fr);
        return sr.clone();
    }

    private static void requireMatch(String what, byte[] expected, byte[] calculated) {
        if (!MessageDigest.isEqual(expected, calculated)) {
            throw new MerkleProofException(what, expected, calculated);
        }
    }

    private static byte[] requireHash(byte[] h, String what) {
        if (h == null || h.length != Rfc6962.HASH_SIZE) {
            throw new MerkleProofException(Detail.BAD_HASH_LENGTH, what + " must be "
                    + Rfc6962.HASH_SIZE + " bytes, got " + (h == null ? "null" : h.length));
        }
        return h;
    }

    private static MerkleProofException wrongSize(String what, int got) {
        return new MerkleProofException(Detail.WRONG_PROOF_SIZE,
                what + " proof has the wrong number of hashes: " + got);
    }
}
