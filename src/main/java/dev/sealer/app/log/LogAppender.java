package dev.sealer.app.log;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.integrity.Finding;
import dev.sealer.core.merkle.NodeHash;
import dev.sealer.core.merkle.TreeAppender;
import dev.sealer.app.storage.DamagedLog;
import dev.sealer.app.storage.StoredCheckpoint;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.storage.Tables;
import dev.sealer.app.storage.TailRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jboss.logging.Logger;

/**
 * The log's own tree, kept by the commit writer thread: which leaves are in the log is decided
 * here from this authority's own appends, never from whatever rows the receipts table holds.
 *
 * <ul>
 *   <li>At start the tree is rebuilt at the latest checkpoint this authority signed (its row
 *       authenticator checked) and its root compared with the signed root; then the tail
 *       appended after it is checked row by row before anything is built on it.</li>
 *   <li>Before each batch, under the log lock, rows other instances of this authority appended
 *       are checked the same way and folded in.</li>
 *   <li>A row that fails (no or a wrong authenticator, a gap, a row that is not a receipt) is
 *       quarantined: reported as a finding and never folded in, and appends stop (sealing
 *       answers STORE_UNAVAILABLE) until an operator has dealt with it, because the leaf index
 *       it occupies cannot be given to a real seal.</li>
 * </ul>
 *
 * The head (size and root) after each commit is what the checkpointer signs.
 */
final class LogAppender {
    private static final Logger LOG = Logger.getLogger(LogAppender.class);
    /** Leaf hashes of the last {@value #RECENT} committed leaves, by leaf index modulo the size: proofs for fresh seals need no receipt reads. */
    private static final int RECENT = 1 << 16;
    private static final int TAIL_PAGE = 4096;

    /** The verified tree: its size and root hash. */
    record Head(long size, byte[] root) {
    }

    private final RowGuard guard;
    private final AtomicReferenceArray<RecentLeaf> recent = new AtomicReferenceArray<>(RECENT);
    private final List<RecentLeaf> uncommitted = new ArrayList<>(); // writer thread only
    private TreeAppender tree; // writer thread only (or under the start lock before the writer runs)
    private TreeAppender beforeBatch;
    private volatile Head head = new Head(0, new TreeAppender().root());
    private volatile String quarantine; // why appends are stopped, or null

    private record RecentLeaf(long leaf, byte[] hash) {
    }

    LogAppender(RowGuard guard) {
        this.guard = guard;
    }

    /** The verified head the checkpointer may sign. */
    Head head() {
        return head;
    }

    /** Why appends are stopped, if they are. */
    Optional<String> quarantine() {
        return Optional.ofNullable(quarantine);
    }

    /**
     * Rebuilds the tree at the latest authentic checkpoint and checks the tail after it. Throws
     * only when the database cannot be read; a tampered log leaves the appender quarantined.
     */
    synchronized void restore(Tables t) {
        Optional<StoredCheckpoint> latest = t.log().latestCheckpoint();
        TreeAppender rebuilt = new TreeAppender();
        if (latest.isPresent()) {
            StoredCheckpoint cp = latest.get();
            if (!cp.authentic(guard.authenticator())) {
                quarantine(Finding.of("checkpoints", "tree_size " + cp.treeSize(),
                        "the latest checkpoint does not match its authenticator: changed or not written by this authority"));
                tree = null;
                return;
            }
            try {
                rebuilt = TreeAppender.restore(cp.treeSize(), t.log().nodes(TreeAppender.compactRange(cp.treeSize()), this::recentLeaf));
            } catch (DamagedLog | IllegalArgumentException | IllegalStateException e) {
                quarantine(Finding.of("log_nodes", "tree_size " + cp.treeSize(), "the tree under the latest checkpoint cannot be rebuilt: " + e.getMessage()));
                tree = null;
                return;
            }
            if (!Arrays.equals(rebuilt.root(), cp.rootHash())) {
                quarantine(Finding.of("log_nodes", "tree_size " + cp.treeSize(),
                        "the stored nodes and receipts under the latest checkpoint do not hash to its signed root"));
                tree = null;
                return;
            }
        }
        tree = rebuilt;
        absorbTail(t);
        head = new Head(tree.size(), tree.root()); // the checked prefix, up to any quarantined row
    }

    /**
     * Called by the commit writer under the log lock before a batch: folds in what other
     * instances appended (checked), remembers the tree for a rollback, and returns the next
     * leaf index. Throws STORE_UNAVAILABLE while appends are stopped.
     */
    long begin(Tables t) {
        if (tree == null && quarantine == null) {
            restore(t);
        }
        if (quarantine == null) {
            long before = tree.size();
            absorbTail(t);
            if (tree.size() != before) {
                head = new Head(tree.size(), tree.root());
            }
        }
        if (quarantine != null) {
            throw new SealerException(Reason.STORE_UNAVAILABLE, "sealing is stopped: " + quarantine);
        }
        beforeBatch = TreeAppender.restore(tree.size(), tree.rightEdge().stream().map(NodeHash::hash).toList());
        return tree.size();
    }

    /** Appends the batch's rows (already at their leaf indexes) and returns the nodes to store. */
    List<NodeHash> append(List<StoredSeal> rows) {
        List<NodeHash> nodes = new ArrayList<>(rows.size() * 2);
        uncommitted.clear();
        for (StoredSeal row : rows) {
            if (row.leafIndex() != tree.size()) {
                throw new IllegalStateException("leaf " + row.leafIndex() + " appended to a tree of size " + tree.size());
            }
            nodes.addAll(tree.append(row.leafHash()));
            uncommitted.add(new RecentLeaf(row.leafIndex(), row.leafHash()));
        }
        return nodes;
    }

    /** The batch committed: its leaves are in the log. */
    void committed() {
        for (RecentLeaf l : uncommitted) {
            recent.set((int) (l.leaf() & (RECENT - 1)), l);
        }
        uncommitted.clear();
        beforeBatch = null;
        head = new Head(tree.size(), tree.root());
    }

    /** The batch did not commit: back to the tree before it (its leaf indexes will be given again). */
    void rolledBack() {
        uncommitted.clear();
        if (beforeBatch != null) {
            tree = beforeBatch;
            beforeBatch = null;
        }
    }

    /** The hash of a recently committed leaf, or null when it is not remembered (then it is recomputed from its receipt). */
    byte[] recentLeaf(long leaf) {
        RecentLeaf l = recent.get((int) (leaf & (RECENT - 1)));
        return l != null && l.leaf() == leaf ? l.hash() : null;
    }

    private void absorbTail(Tables t) {
        while (true) {
            List<TailRow> tail = t.receipts().tail(tree.size(), TAIL_PAGE);
            for (TailRow o : tail) {
                if (o instanceof TailRow.Undecodable bad) {
                    quarantine(Finding.of("receipts", "leaf " + bad.leafIndex() + " seal " + bad.sealId(), "row is not a receipt: " + bad.why()));
                    return;
                }
                StoredSeal s = ((TailRow.Seal) o).seal();
                if (s.leafIndex() != tree.size()) {
                    quarantine(Finding.of("receipts", "leaf " + s.leafIndex() + " seal " + s.sealId(),
                            "leaf " + tree.size() + " is missing: the log has a gap before this row"));
                    return;
                }
                Optional<String> problem = guard.problem(s);
                if (problem.isPresent()) {
                    quarantine(Finding.of("receipts", "leaf " + s.leafIndex() + " seal " + s.sealId(), problem.get() + "; it is not in the log"));
                    return;
                }
                tree.append(s.leafHash());
                recent.set((int) (s.leafIndex() & (RECENT - 1)), new RecentLeaf(s.leafIndex(), s.leafHash()));
            }
            if (tail.size() < TAIL_PAGE) {
                if (!tail.isEmpty()) {
                    LOG.infof("log: %d row(s) appended by another instance checked and folded in (size %d)", tail.size(), tree.size());
                }
                return;
            }
        }
    }

    private void quarantine(Finding f) {
        guard.report(f);
        quarantine = f.toString();
        LOG.errorf("log appends stopped at size %d: %s. Nothing after it is signed; see docs/operations.md (integrity findings)",
                tree == null ? -1 : tree.size(), f);
    }
}
