package dev.sealer.core.merkle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Incremental builder of an RFC 6962 log tree that keeps only its right edge in memory.
 *
 * <p>The state for a tree of size n is its <em>compact range</em>: one perfect-subtree root per
 * set bit of n, ordered left to right (largest subtree first). For n = 6 that is the nodes
 * (level 2, index 0) over leaves [0, 4) and (level 1, index 2) over [4, 6).
 *
 * <p>{@link #append(byte[])} returns every node that became complete with the new leaf: the
 * leaf itself and each ancestor whose last leaf it is. A store that persists all of them holds
 * every complete node of the tree, which is enough to serve any {@link ProofPlan} for any size
 * up to the current one without rebuilding anything. After a restart, fetch the hashes of
 * {@link #compactRange(long)} for the stored size and {@link #restore(long, List)}.
 *
 * <p>Not thread-safe: one writer appends, under whatever lock orders the log.
 */
public final class TreeAppender {

    private long size;
    /** Roots of the compact range [0, size), left to right; same order as compactRange(size). */
    private final ArrayList<byte[]> edge = new ArrayList<>();

    /** An empty tree. */
    public TreeAppender() {}

    /**
     * Rebuilds the state of a tree of {@code size} leaves from the hashes of its compact range.
     *
     * @param hashes hashes of the nodes listed by {@link #compactRange(long) compactRange(size)},
     *     in that order
     * @throws IllegalArgumentException if the count or a hash length is wrong
     */
    public static TreeAppender restore(long size, List<byte[]> hashes) {
        Objects.requireNonNull(hashes, "hashes");
        List<NodeId> ids = compactRange(size);
        if (hashes.size() != ids.size()) {
            throw new IllegalArgumentException("a tree of size " + size + " needs " + ids.size()
                    + " compact range hashes, got " + hashes.size());
        }
        TreeAppender t = new TreeAppender();
        for (int i = 0; i < hashes.size(); i++) {
            if (hashes.get(i) == null || hashes.get(i).length != Rfc6962.HASH_SIZE) {
                Rfc6962.requireHash(hashes.get(i), "hash of " + ids.get(i));
            }
            t.edge.add(hashes.get(i).clone());
        }
        t.size = size;
        return t;
    }

    /**
     * The nodes whose hashes make up the state of a tree of {@code size} leaves: one perfect
     * subtree per set bit of size, left to right. Empty for size 0.
     *
     * @throws IllegalArgumentException if size is negative
     */
    public static List<NodeId> compactRange(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        return rangeNodes(0, size);
    }

    /** Number of leaves appended so far. */
    public long size() {
        return size;
    }

    /**
     * Appends one leaf.
     *
     * @param leafHash the leaf's {@link Rfc6962#leafHash(byte[]) hash}, not its data
     * @return the nodes completed by this leaf, lowest level first: the leaf itself, then each
     *     ancestor whose subtree this leaf finishes
     * @throws IllegalStateException if the tree already holds {@link Long#MAX_VALUE} leaves
     */
    public List<NodeHash> append(byte[] leafHash) {
        Rfc6962.requireHash(leafHash, "leafHash");
        if (size == Long.MAX_VALUE) {
            throw new IllegalStateException("tree is full");
        }
        List<NodeHash> completed = new ArrayList<>();
        NodeId id = NodeId.leaf(size);
        byte[] hash = leafHash.clone();
        completed.add(new NodeHash(id, hash));
        // A right child completes its parent; its left sibling is the last edge root.
        while ((id.index() & 1) == 1) {
            hash = Rfc6962.nodeHash(edge.removeLast(), hash);
            id = id.parent();
            completed.add(new NodeHash(id, hash));
        }
        edge.add(hash);
        size++;
        return List.copyOf(completed);
    }

    /** The tree head: root hash of the current size ({@link Rfc6962#emptyRoot()} when empty). */
    public byte[] root() {
        return foldRight(edge);
    }

    /** The current compact range with hashes, left to right (what {@link #restore} takes). */
    public List<NodeHash> rightEdge() {
        List<NodeId> ids = compactRange(size);
        List<NodeHash> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            out.add(new NodeHash(ids.get(i), edge.get(i)));
        }
        return List.copyOf(out);
    }

    /**
     * Nodes of the compact range [begin, end), left to right, for a {@code begin} that is a
     * multiple of the largest power of two not above {@code end - begin} (true for every range
     * the log ever asks for: [0, n) and the right-hand siblings in proofs).
     */
    static List<NodeId> rangeNodes(long begin, long end) {
        List<NodeId> ids = new ArrayList<>(Long.bitCount(end - begin));
        long pos = begin;
        long rest = end - begin;
        while (rest > 0) {
            int level = 63 - Long.numberOfLeadingZeros(rest);
            ids.add(new NodeId(level, pos >> level));
            pos += 1L << level;
            rest -= 1L << level;
        }
        return ids;
    }

    /**
     * Root of a compact range given its hashes left to right: hash from the right, so that
     * smaller subtrees are folded into their larger left neighbours (the RFC's split rule).
     */
    static byte[] foldRight(List<byte[]> hashes) {
        if (hashes.isEmpty()) {
            return Rfc6962.emptyRoot();
        }
        byte[] acc = hashes.getLast();
        for (int i = hashes.size() - 2; i >= 0; i--) {
            acc = Rfc6962.nodeHash(hashes.get(i), acc);
        }
        return acc.clone();
    }
}
