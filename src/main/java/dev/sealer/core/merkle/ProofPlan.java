package dev.sealer.core.merkle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Which stored nodes make up an RFC 9162 inclusion or consistency proof, and how to turn their
 * hashes into the proof.
 *
 * <p>Every proof element is the hash of a subtree. On the left of the path that subtree is
 * always perfect, so it is one complete node. On the right edge of the tree it may be an
 * <em>ephemeral</em> node (not perfect, not stored): it is rebuilt from the complete nodes of
 * its compact range. {@link #nodeIds()} lists every complete node to fetch, in proof order;
 * {@link #rehash(List)} folds each element's nodes back into one hash.
 *
 * <p>All listed nodes are complete in the tree of the requested size, so a store holding every
 * node ever returned by {@link TreeAppender#append(byte[])} can serve any plan for any size up
 * to its current one. Immutable and thread-safe.
 */
public final class ProofPlan {

    /** One list of node ids per proof element, lowest element first. */
    private final List<List<NodeId>> elements;
    private final List<NodeId> nodeIds;

    private ProofPlan(List<List<NodeId>> elements) {
        this.elements = List.copyOf(elements);
        List<NodeId> flat = new ArrayList<>();
        elements.forEach(flat::addAll);
        this.nodeIds = List.copyOf(flat);
    }

    /**
     * Plan of the inclusion proof (RFC 9162 §2.1.3.1 PATH) of leaf {@code index} in the tree of
     * {@code size} leaves.
     *
     * @throws IllegalArgumentException unless 0 <= index < size
     */
    public static ProofPlan inclusion(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException(
                    "inclusion proof needs 0 <= index < size, got index " + index + ", size " + size);
        }
        List<List<NodeId>> out = new ArrayList<>();
        path(index, 0, size, out);
        return new ProofPlan(out);
    }

    /**
     * Plan of the consistency proof (RFC 9162 §2.1.4.1 PROOF) from size1 to size2. Empty when the
     * sizes are equal.
     *
     * @throws IllegalArgumentException unless 0 < size1 <= size2 (a proof from the empty tree
     *     proves nothing, and RFC 9162 does not define one)
     */
    public static ProofPlan consistency(long size1, long size2) {
        if (size1 <= 0 || size1 > size2) {
            throw new IllegalArgumentException(
                    "consistency proof needs 0 < size1 <= size2, got size1 " + size1 + ", size2 " + size2);
        }
        List<List<NodeId>> out = new ArrayList<>();
        if (size1 < size2) {
            subproof(size1, 0, size2, true, out);
        }
        return new ProofPlan(out);
    }

    /** The complete nodes to fetch, in the order {@link #rehash(List)} expects their hashes. */
    public List<NodeId> nodeIds() {
        return nodeIds;
    }

    /** Number of hashes in the resulting proof (at most {@code nodeIds().size()}). */
    public int proofSize() {
        return elements.size();
    }

    /**
     * Turns the fetched node hashes into the proof.
     *
     * @param fetched hashes of {@link #nodeIds()}, same order
     * @return the RFC 9162 proof, lowest level first
     * @throws IllegalArgumentException if the count or a hash length is wrong
     */
    public List<byte[]> rehash(List<byte[]> fetched) {
        Objects.requireNonNull(fetched, "fetched");
        if (fetched.size() != nodeIds.size()) {
            throw new IllegalArgumentException(
                    "expected " + nodeIds.size() + " node hashes, got " + fetched.size());
        }
        List<byte[]> proof = new ArrayList<>(elements.size());
        int cursor = 0;
        for (List<NodeId> element : elements) {
            List<byte[]> parts = new ArrayList<>(element.size());
            for (NodeId id : element) {
                byte[] h = fetched.get(cursor++);
                if (h == null || h.length != Rfc6962.HASH_SIZE) { // message built only on failure: this runs for every proof
                    Rfc6962.requireHash(h, "hash of " + id);
                }
                parts.add(h);
            }
            proof.add(TreeAppender.foldRight(parts));
        }
        return Collections.unmodifiableList(proof);
    }

    @Override
    public String toString() {
        return "ProofPlan" + elements;
    }

    /** PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, with m an absolute leaf index. */
    private static void path(long m, long lo, long hi, List<List<NodeId>> out) {
        if (hi - lo == 1) {
            return;
        }
        long k = Long.highestOneBit(hi - lo - 1); // largest power of two < n
        if (m < lo + k) {
            path(m, lo, lo + k, out);
            out.add(TreeAppender.rangeNodes(lo + k, hi));
        } else {
            path(m, lo + k, hi, out);
            out.add(TreeAppender.rangeNodes(lo, lo + k));
        }
    }

    /** SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1, with m an absolute tree size. */
    private static void subproof(long m, long lo, long hi, boolean known, List<List<NodeId>> out) {
        if (m == hi) {
            if (!known) {
                out.add(TreeAppender.rangeNodes(lo, hi));
            }
            return;
        }
        long k = Long.highestOneBit(hi - lo - 1);
        if (m <= lo + k) {
            subproof(m, lo, lo + k, known, out);
            out.add(TreeAppender.rangeNodes(lo + k, hi));
        } else {
            subproof(m, lo + k, hi, false, out);
            out.add(TreeAppender.rangeNodes(lo, lo + k));
        }
    }
}
