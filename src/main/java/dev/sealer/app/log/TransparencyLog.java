package dev.sealer.app.log;

import dev.sealer.app.seal.CommitQueue;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.log.Checkpoint;
import dev.sealer.core.log.CheckpointKeys;
import dev.sealer.core.log.SignedNote;
import dev.sealer.core.merkle.NodeHash;
import dev.sealer.core.merkle.NodeId;
import dev.sealer.core.merkle.ProofPlan;
import dev.sealer.core.merkle.TreeAppender;
import dev.sealer.store.HeldConnection;
import dev.sealer.store.LogStore;
import dev.sealer.store.LogStore.StoredCheckpoint;
import dev.sealer.store.ReceiptStore;
import dev.sealer.store.ReceiptStore.StoredSeal;
import dev.sealer.store.StoreException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Where a proof is built. The Merkle log of every receipt (RFC 9162 hashing): nodes are written
 * in the same transaction as the receipts they cover, so the log and the receipts never
 * disagree and never fork. A checkpointer thread signs C2SP checkpoints with the active suite
 * on a cadence (max delay, max entries; much sooner when ANCHORED seals are waiting), kept
 * forever. Proofs for any checkpointed size are served by fetching stored nodes.
 */
@Singleton
@Startup(30)
public class TransparencyLog implements CommitQueue.BatchListener {
    private static final Logger LOG = Logger.getLogger(TransparencyLog.class);

    @Inject
    AgroalDataSource dataSource;
    @Inject
    SuiteRegistry suites;
    @ConfigProperty(name = "sealer.authority", defaultValue = "sealer")
    String authority;
    @ConfigProperty(name = "sealer.log.checkpoint-max-delay", defaultValue = "1S")
    Duration maxDelay;
    @ConfigProperty(name = "sealer.log.anchored-max-delay", defaultValue = "PT0.010S")
    Duration anchoredMaxDelay;
    /** With ANCHORED seals waiting, a checkpoint is issued as soon as this many leaves are pending (each checkpoint row is ~5 kB). */
    @ConfigProperty(name = "sealer.log.anchored-batch", defaultValue = "512")
    long anchoredBatch;

    @ConfigProperty(name = "sealer.log.checkpoint-max-entries", defaultValue = "8192")
    long maxEntries;

    @Inject
    Clock clock;
    private TreeAppender appender; // commit writer thread only
    /** Leaf hashes of the last {@value #RECENT} committed leaves, by leaf index modulo the size: proofs for fresh seals need no receipt reads. */
    private static final int RECENT = 1 << 16;
    private final java.util.concurrent.atomic.AtomicReferenceArray<RecentLeaf> recent = new java.util.concurrent.atomic.AtomicReferenceArray<>(RECENT);
    private final List<RecentLeaf> uncommitted = new ArrayList<>(); // commit writer thread only

    private record RecentLeaf(long leaf, byte[] hash) {
    }
    private volatile long committedSize;
    private volatile long checkpointSize;
    private volatile long lastIssueNanos = System.nanoTime();

    private final ConcurrentSkipListMap<Long, List<CompletableFuture<Anchor>>> waiters = new ConcurrentSkipListMap<>();
    private volatile long oldestWaiterNanos = Long.MAX_VALUE;
    private volatile boolean running = true;
    private Thread checkpointer;
    private HeldConnection checkpointConnection; // guarded by this (issueCheckpoint is synchronized)

    @PostConstruct
    void start() {
        checkpointConnection = new HeldConnection(dataSource);
        try (Connection c = dataSource.getConnection()) {
            long[] sizes = LogStore.logSizes(c);
            committedSize = sizes[0];
            checkpointSize = sizes[1];
        } catch (SQLException e) {
            throw StoreException.from(e, "reading the transparency log");
        }
        if (committedSize > checkpointSize) {
            LOG.infof("%d receipt(s) committed but not yet in a checkpoint: anchoring them now", committedSize - checkpointSize);
            issueCheckpoint();
        }
        checkpointer = Thread.ofPlatform().name("log-checkpointer").daemon().start(this::run);
    }

    @PreDestroy
    void stop() {
        running = false;
        try {
            checkpointer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            checkpointConnection.close();
        }
    }

    // ---- appending: called by the commit writer inside each batch transaction ----

    @Override
    public void inserted(Connection c, List<StoredSeal> rows) throws SQLException {
        long first = rows.getFirst().leafIndex();
        if (appender == null || appender.size() != first) {
            appender = TreeAppender.restore(first, LogStore.nodes(c, TreeAppender.compactRange(first), this::recentLeaf));
        }
        List<NodeHash> nodes = new ArrayList<>(rows.size() * 2);
        uncommitted.clear();
        for (StoredSeal row : rows) {
            nodes.addAll(appender.append(row.leafHash()));
            uncommitted.add(new RecentLeaf(row.leafIndex(), row.leafHash()));
        }
        LogStore.insertNodes(c, nodes);
    }

    @Override
    public void committed(long nextLeafIndex) {
        // only committed leaves are remembered: a rolled-back leaf index may be reused with another receipt
        for (RecentLeaf l : uncommitted) {
            recent.set((int) (l.leaf() & (RECENT - 1)), l);
        }
        uncommitted.clear();
        committedSize = Math.max(committedSize, nextLeafIndex);
    }

    /** The hash of a recently committed leaf, or null when it is not remembered (then it is recomputed from its receipt). */
    private byte[] recentLeaf(long leaf) {
        RecentLeaf l = recent.get((int) (leaf & (RECENT - 1)));
        return l != null && l.leaf() == leaf ? l.hash() : null;
    }

    // ---- checkpoints ----

    private void run() {
        while (running) {
            try {
                Thread.sleep(1);
                long now = System.nanoTime();
                long pending = committedSize - checkpointSize;
                boolean waiting = oldestWaiterNanos != Long.MAX_VALUE;
                boolean due = pending > 0 && (pending >= maxEntries
                        || (waiting && (pending >= anchoredBatch || now - oldestWaiterNanos >= anchoredMaxDelay.toNanos()))
                        || now - lastIssueNanos >= maxDelay.toNanos());
                if (due) {
                    issueCheckpoint();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("checkpoint not issued: %s", e.getMessage());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Signs a checkpoint over everything committed, if anything is new; then answers the waiting ANCHORED seals. */
    public synchronized Optional<StoredCheckpoint> issueCheckpoint() {
        StoredCheckpoint cp;
        try {
            Connection c = checkpointConnection.get();
            c.setAutoCommit(false);
            try {
                ReceiptStore.lockCheckpoints(c);
                long[] sizes = LogStore.logSizes(c);
                long size = sizes[0];
                if (size == 0 || sizes[1] >= size) {
                    Optional<StoredCheckpoint> last = LogStore.latestCheckpoint(c);
                    c.rollback();
                    last.ifPresent(l -> checkpointSize = l.treeSize());
                    lastIssueNanos = System.nanoTime();
                    return last;
                }
                byte[] root = TreeAppender.restore(size, LogStore.nodes(c, TreeAppender.compactRange(size), this::recentLeaf)).root();
                java.time.Instant now = clock.instant();
                Checkpoint body = new Checkpoint(origin(), size, root,
                        List.of(dev.sealer.core.verify.SealVerifier.CHECKPOINT_TIME_PREFIX + dev.sealer.core.seal.Receipt.formatTime(now)));
                try (var lease = suites.keys()) { // the keys stay unwiped until the note is signed
                    cp = new StoredCheckpoint(size, root, now, lease.suiteId(), SignedNote.sign(body.body(), CheckpointKeys.signers(lease.keys())));
                }
                LogStore.insertCheckpoint(c, cp);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                checkpointConnection.discard(); // closing rolls the transaction back
                throw e;
            }
            checkpointSize = cp.treeSize();
            committedSize = Math.max(committedSize, cp.treeSize());
            lastIssueNanos = System.nanoTime();
            answerWaiters(c, cp);
            c.rollback(); // ends the read transaction of the proofs: a held connection must not sit idle in one
            return Optional.of(cp);
        } catch (SQLException e) {
            checkpointConnection.discard();
            throw StoreException.from(e, "issuing a checkpoint");
        }
    }

    public String origin() {
        return authority + "/log";
    }

    /** Completes with the anchor of {@code leafIndex} as soon as a checkpoint covers it. */
    public CompletableFuture<Anchor> awaitAnchor(long leafIndex) {
        CompletableFuture<Anchor> f = new CompletableFuture<>();
        waiters.computeIfAbsent(leafIndex, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(f);
        if (oldestWaiterNanos == Long.MAX_VALUE) {
            oldestWaiterNanos = System.nanoTime();
        }
        if (leafIndex < checkpointSize) { // a checkpoint may have been issued before we registered
            synchronized (this) {
                try (Connection c = dataSource.getConnection()) {
                    LogStore.latestCheckpoint(c).ifPresent(cp -> answerWaiters(c, cp));
                } catch (SQLException e) {
                    f.completeExceptionally(StoreException.from(e, "reading the latest checkpoint"));
                }
            }
        }
        return f;
    }

    private void answerWaiters(Connection c, StoredCheckpoint cp) {
        Map<Long, List<CompletableFuture<Anchor>>> due = waiters.headMap(cp.treeSize());
        if (due.isEmpty()) {
            return;
        }
        List<Long> leaves = new ArrayList<>(due.keySet());
        try {
            Map<Long, List<byte[]>> proofs = inclusionProofs(c, leaves, cp.treeSize());
            for (Long leaf : leaves) {
                Anchor anchor = new Anchor(leaf, cp.treeSize(), proofs.get(leaf), cp.note(), cp.suiteId());
                List<CompletableFuture<Anchor>> fs = waiters.remove(leaf);
                if (fs != null) {
                    fs.forEach(f -> f.complete(anchor));
                }
            }
        } catch (SQLException e) {
            SealerException failure = StoreException.from(e, "building inclusion proofs");
            for (Long leaf : leaves) {
                List<CompletableFuture<Anchor>> fs = waiters.remove(leaf);
                if (fs != null) {
                    fs.forEach(f -> f.completeExceptionally(failure));
                }
            }
        }
        oldestWaiterNanos = waiters.isEmpty() ? Long.MAX_VALUE : System.nanoTime();
    }

    /** Inclusion proofs for many leaves at one size, with one node query. */
    private Map<Long, List<byte[]>> inclusionProofs(Connection c, List<Long> leaves, long size) throws SQLException {
        Map<Long, ProofPlan> plans = new java.util.HashMap<>();
        LinkedHashSet<NodeId> all = new LinkedHashSet<>();
        for (long leaf : leaves) {
            ProofPlan plan = ProofPlan.inclusion(leaf, size);
            plans.put(leaf, plan);
            all.addAll(plan.nodeIds());
        }
        List<NodeId> ids = new ArrayList<>(all);
        List<byte[]> hashes = LogStore.nodes(c, ids, this::recentLeaf);
        Map<NodeId, byte[]> byId = new java.util.HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            byId.put(ids.get(i), hashes.get(i));
        }
        Map<Long, List<byte[]>> result = new java.util.HashMap<>();
        for (var e : plans.entrySet()) {
            result.put(e.getKey(), e.getValue().rehash(e.getValue().nodeIds().stream().map(byId::get).toList()));
        }
        return result;
    }

    // ---- queries ----

    public StoredCheckpoint checkpoint(long size) {
        try (Connection c = dataSource.getConnection()) {
            Optional<StoredCheckpoint> cp = size == 0 ? LogStore.latestCheckpoint(c) : LogStore.checkpointAt(c, size);
            return cp.orElseThrow(() -> new SealerException(Reason.INVALID_ARGUMENT,
                    size == 0 ? "no checkpoint has been issued yet" : "no checkpoint was issued at tree size " + size));
        } catch (SQLException e) {
            throw StoreException.from(e, "reading checkpoints");
        }
    }

    public Anchor inclusion(long leafIndex, long size) {
        StoredCheckpoint cp = checkpoint(size);
        if (leafIndex < 0 || leafIndex >= cp.treeSize()) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "leaf " + leafIndex + " is not in the tree of size " + cp.treeSize());
        }
        try (Connection c = dataSource.getConnection()) {
            return new Anchor(leafIndex, cp.treeSize(), inclusionProofs(c, List.of(leafIndex), cp.treeSize()).get(leafIndex), cp.note(), cp.suiteId());
        } catch (SQLException e) {
            throw StoreException.from(e, "building an inclusion proof");
        }
    }

    /** Inclusion in the first checkpoint issued that covers the leaf (empty when none does yet). */
    public Optional<Anchor> earliestInclusion(long leafIndex) {
        try (Connection c = dataSource.getConnection()) {
            Optional<StoredCheckpoint> cp = LogStore.firstCheckpointCovering(c, leafIndex);
            if (cp.isEmpty()) {
                return Optional.empty();
            }
            long size = cp.get().treeSize();
            return Optional.of(new Anchor(leafIndex, size, inclusionProofs(c, List.of(leafIndex), size).get(leafIndex), cp.get().note(), cp.get().suiteId()));
        } catch (SQLException e) {
            throw StoreException.from(e, "building an inclusion proof");
        }
    }

    public List<byte[]> consistency(long from, long to) {
        StoredCheckpoint target = checkpoint(to);
        if (from < 1 || from > target.treeSize()) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "from_size must be 1.." + target.treeSize());
        }
        ProofPlan plan = ProofPlan.consistency(from, target.treeSize());
        try (Connection c = dataSource.getConnection()) {
            return plan.rehash(LogStore.nodes(c, plan.nodeIds(), this::recentLeaf));
        } catch (SQLException e) {
            throw StoreException.from(e, "building a consistency proof");
        }
    }
}
