package dev.sealer.app.log;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.commit.BatchListener;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.app.tsa.CheckpointTimestamps;
import dev.sealer.app.storage.StoredTimestamp;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.log.CheckpointKeys;
import dev.sealer.core.log.CheckpointPolicy;
import dev.sealer.core.log.SignedNote;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredCheckpoint;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.storage.Tables;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The Merkle log of every receipt (RFC 9162 hashing), in four rooms:
 * {@link LogAppender} (the writer's own verified tree; nodes are written in the receipts'
 * transaction), {@link Checkpointer} (signs C2SP checkpoints over that tree when its
 * {@link CheckpointPolicy} says so), {@link AnchorWaiters} (ANCHORED seals waiting for one) and
 * {@link LogProofs} (where a proof is built). This class wires them and is what the rest of
 * the service calls.
 */
@Singleton
@Startup(30)
public class TransparencyLog implements BatchListener {
    private static final Logger LOG = Logger.getLogger(TransparencyLog.class);

    @Inject
    Storage storage;
    @Inject
    SuiteRegistry suites;
    @Inject
    RowGuard guard;
    @Inject
    CheckpointTimestamps timestamps;
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
    @Inject
    dev.sealer.app.metrics.SealerMetrics metrics;

    private LogAppender appender;
    private AnchorWaiters waiters;
    private LogProofs proofs;
    private Checkpointer checkpointer;

    @PostConstruct
    void start() {
        appender = new LogAppender(guard);
        waiters = new AnchorWaiters();
        proofs = new LogProofs(guard, appender::recentLeaf);
        checkpointer = new Checkpointer(appender, waiters, proofs, guard,
                new CheckpointPolicy(maxEntries, anchoredBatch, anchoredMaxDelay.toNanos(), maxDelay.toNanos()),
                body -> {
                    try (var lease = suites.keys()) { // the keys stay unwiped until the note is signed
                        return new Checkpointer.Signed(lease.suiteId(), SignedNote.sign(body, CheckpointKeys.signers(lease.keys())), suites.state().version());
                    }
                }, timestamps::stampNow, clock, origin(), storage.session(), metrics::checkpointInterval);
        long latest = storage.read("reading the transparency log", t -> {
            appender.restore(t);
            return t.log().latestCheckpoint().map(StoredCheckpoint::treeSize).orElse(0L);
        });
        appender.quarantine().ifPresent(q -> LOG.errorf("the transparency log failed its start check; sealing is stopped: %s", q));
        if (appender.head().size() > latest) {
            LOG.infof("%d receipt(s) committed but not yet in a checkpoint: anchoring them now", appender.head().size() - latest);
            checkpointer.issue();
        }
        checkpointer.start(latest);
    }

    /**
     * Tells the checkpointer how many seals are in flight (the seal writer's count), so that ANCHORED seals are anchored at
     * once when nothing else is on its way instead of after {@code sealer.log.anchored-max-delay} (CheckpointPolicy).
     */
    public void sealsInFlight(java.util.function.IntSupplier count) {
        checkpointer.inFlight(count);
    }

    @PreDestroy
    void stop() {
        checkpointer.stop();
    }

    // ---- appending: called by the commit writer inside each batch transaction ----

    // the commit writer's batch, for the commit metrics (its thread only)
    private long batchStartNanos;
    private int batchRows;

    @Override
    public long begin(Tables t) {
        batchStartNanos = System.nanoTime();
        batchRows = 0;
        return appender.begin(t);
    }

    @Override
    public void inserted(Tables t, List<StoredSeal> rows) {
        t.log().insertNodes(appender.append(rows), guard.authenticator());
        batchRows = rows.size();
    }

    @Override
    public void committed(long nextLeafIndex) {
        appender.committed();
        checkpointer.signal();
        metrics.commitBatch(batchRows, System.nanoTime() - batchStartNanos);
    }

    // ---- what the gauges read (app.gauges) ----

    /** Leaves in the log this instance checked (its tree's size). */
    public long size() {
        return appender.head().size();
    }

    /** Leaves not yet covered by a checkpoint. */
    public long checkpointLagEntries() {
        return Math.max(0, appender.head().size() - checkpointer.checkpointSize());
    }

    /** Seconds since the last checkpoint while leaves wait for one; 0 when every leaf is covered. */
    public double checkpointLagSeconds() {
        return checkpointLagEntries() == 0 ? 0 : checkpointer.nanosSinceLastIssue() / 1e9;
    }

    /** ANCHORED seals waiting for a checkpoint. */
    public int anchoredWaiters() {
        return waiters.count();
    }

    @Override
    public void rolledBack() {
        appender.rolledBack();
    }

    /** Why appends are stopped (an integrity finding at the tail of the log), if they are. */
    public Optional<String> quarantine() {
        return appender.quarantine();
    }

    // ---- checkpoints ----

    /** Signs a checkpoint over everything committed and checked, if anything is new; then answers the waiting ANCHORED seals. */
    public Optional<StoredCheckpoint> issueCheckpoint() {
        return checkpointer.issue();
    }

    /** The last checkpoint this process signed, if any. */
    public Optional<StoredCheckpoint> lastIssued() {
        return checkpointer.lastIssued();
    }

    public String origin() {
        return authority + "/log";
    }

    /** Completes with the anchor of {@code leafIndex} as soon as a checkpoint covers it. */
    public CompletableFuture<Anchor> awaitAnchor(long leafIndex) {
        CompletableFuture<Anchor> f = waiters.add(leafIndex);
        if (leafIndex < checkpointer.checkpointSize()) { // a checkpoint may have been issued before we registered
            try {
                checkpointer.answerLate();
            } catch (SealerException e) {
                f.completeExceptionally(e);
            }
        } else {
            checkpointer.signal();
        }
        return f;
    }

    // ---- queries ----

    public StoredCheckpoint checkpoint(long size) {
        Optional<StoredCheckpoint> cp = storage.read("reading checkpoints", t -> size == 0 ? proofs.latest(t) : proofs.at(t, size));
        return cp.orElseThrow(() -> new SealerException(Reason.INVALID_ARGUMENT,
                size == 0 ? "no checkpoint has been issued yet" : "no checkpoint was issued at tree size " + size));
    }

    /** The authentic time-stamp token of the checkpoint of {@code size}, if it has one yet. */
    public Optional<StoredTimestamp> timestamp(long size) {
        return storage.read("reading a checkpoint's time-stamp token", t -> proofs.timestamp(t, size));
    }

    public Anchor inclusion(long leafIndex, long size) {
        StoredCheckpoint cp = checkpoint(size);
        if (leafIndex < 0 || leafIndex >= cp.treeSize()) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "leaf " + leafIndex + " is not in the tree of size " + cp.treeSize());
        }
        return storage.read("building an inclusion proof", t -> proofs.anchor(t, leafIndex, cp));
    }

    /** Inclusion in the first checkpoint issued that covers the leaf (empty when none does yet). */
    public Optional<Anchor> earliestInclusion(long leafIndex) {
        return storage.read("building an inclusion proof", t -> proofs.firstCovering(t, leafIndex).map(cp -> proofs.anchor(t, leafIndex, cp)));
    }

    public List<byte[]> consistency(long from, long to) {
        StoredCheckpoint target = checkpoint(to);
        if (from < 1 || from > target.treeSize()) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "from_size must be 1.." + target.treeSize());
        }
        return storage.read("building a consistency proof", t -> proofs.consistency(t, from, target));
    }
}
