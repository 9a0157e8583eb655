package dev.sealer.core.merkle;

/**
 * Address of a perfect subtree: the node at {@code level} (0 = leaves) and position
 * {@code index} within that level, covering leaves [index·2^level, (index+1)·2^level).
 *
 * <pre>
 *   L2:   ┌───0───┐       ┌───1── ...
 *   L1:  ┌0┐     ┌1┐     ┌2┐    ...
 *   L0:  0 1     2 3     4 5    ...
 * </pre>
 *
 * <p>A node is <em>complete</em> in a tree of size n when all its leaves exist, that is when
 * {@code (index+1)·2^level <= n}. Complete nodes never change once the tree grows, so a store
 * can persist each one exactly once and serve proofs for any later size from them.
 *
 * @param level height above the leaves, 0..63
 * @param index position within the level, such that the first covered leaf fits in a long
 */
public record NodeId(int level, long index) {

    public NodeId {
        if (level < 0 || level > 63) {
            throw new IllegalArgumentException("level must be in [0, 63], got " + level);
        }
        if (index < 0 || index > (Long.MAX_VALUE >> level)) {
            throw new IllegalArgumentException(
                    "index " + index + " out of range for level " + level);
        }
    }

    /** The leaf node at {@code index}. */
    public static NodeId leaf(long index) {
        return new NodeId(0, index);
    }

    /** Index of the first leaf this node covers. */
    public long firstLeaf() {
        return index << level;
    }

    /** Index of the last leaf this node covers (inclusive, so it never overflows). */
    public long lastLeaf() {
        return (index << level) + ((1L << level) - 1);
    }

    /** The parent node, one level up. */
    public NodeId parent() {
        return new NodeId(level + 1, index >> 1);
    }

    /** The other child of this node's parent. */
    public NodeId sibling() {
        return new NodeId(level, index ^ 1);
    }

    /** Whether all leaves under this node exist in a tree of {@code size} leaves. */
    public boolean isCompleteIn(long size) {
        return size > 0 && lastLeaf() <= size - 1;
    }
}
