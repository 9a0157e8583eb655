package dev.sealer.app.log;

import dev.sealer.core.time.Rfc3339;
import dev.sealer.app.integrity.RowGuard;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.log.Checkpoint;
import dev.sealer.core.log.CheckpointPolicy;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredCheckpoint;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * The checkpointer thread: sleeps until a commit or a waiting ANCHORED seal signals it (or the
 * {@link CheckpointPolicy} says a checkpoint may be due), then signs a C2SP checkpoint over the
 * appender's verified head, never over rows it did not check, and answers the waiting seals.
 */
final class Checkpointer {
    private static final Logger LOG = Logger.getLogger(Checkpointer.class);

    /** Signs a checkpoint body with the active suite's keys (under a lease, so they are not wiped meanwhile). */
    interface Signer {
        Signed sign(byte[] body);
    }

    /** Gets the time-stamp token of a checkpoint just stored, if a TSA gives one now (never throws; the catch-up stamps it otherwise). */
    interface Stamper {
        void stamp(StoredCheckpoint cp);
    }

    /** A signed note, the suite that signed it and the length of the suite history it knew. */
    record Signed(String suiteId, String note, long suiteEvents) {
    }

    private final LogAppender appender;
    private final AnchorWaiters waiters;
    private final LogProofs proofs;
    private final RowGuard guard;
    private final CheckpointPolicy policy;
    /** Seals in flight, committed or not (SealWriter's count; 0 until it is wired): with {@link AnchorWaiters#count()}, whether more are coming. */
    private volatile java.util.function.IntSupplier inFlight = () -> 0;
    private final Signer signer;
    private final Stamper stamper;
    private final Clock clock;
    private final String origin;
    private final Storage.Session session; // guarded by this
    /** Told the time since the previous checkpoint each time one is signed (a metric). */
    private final java.util.function.LongConsumer onIssued;
    private volatile long checkpointSize;
    private volatile StoredCheckpoint lastIssued;
    private volatile long lastIssueNanos = System.nanoTime();
    /** When this instance last signed a checkpoint (0: not yet); guarded by this. */
    private long lastSignedNanos;
    private volatile boolean running = true;
    private Thread thread;

    Checkpointer(LogAppender appender, AnchorWaiters waiters, LogProofs proofs, RowGuard guard, CheckpointPolicy policy, Signer signer,
            Stamper stamper, Clock clock, String origin, Storage.Session session, java.util.function.LongConsumer onIssued) {
        this.onIssued = onIssued;
        this.stamper = stamper;
        this.appender = appender;
        this.waiters = waiters;
        this.proofs = proofs;
        this.guard = guard;
        this.policy = policy;
        this.signer = signer;
        this.clock = clock;
        this.origin = origin;
        this.session = session;
    }

    void start(long latestCheckpointSize) {
        checkpointSize = latestCheckpointSize;
        thread = Thread.ofPlatform().name("log-checkpointer").daemon().start(this::run);
    }

    /** Something changed (a commit, a new waiter): look again now. */
    void signal() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    long checkpointSize() {
        return checkpointSize;
    }

    long nanosSinceLastIssue() {
        return System.nanoTime() - lastIssueNanos;
    }

    /** The last checkpoint this process signed, if any: the sweep checks the database still holds it. */
    Optional<StoredCheckpoint> lastIssued() {
        return Optional.ofNullable(lastIssued);
    }

    void inFlight(java.util.function.IntSupplier count) {
        this.inFlight = count;
    }

    void stop() {
        running = false;
        signal();
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            session.close();
        }
    }

    private void run() {
        while (running) {
            try {
                long now = System.nanoTime();
                long pending = appender.head().size() - checkpointSize;
                long oldest = waiters.oldestWaitNanos(now);
                long since = now - lastIssueNanos;
                if (policy.due(pending, oldest, since, inFlight.getAsInt() > waiters.count())) {
                    issue();
                    continue;
                }
                LockSupport.parkNanos(this, Math.max(100_000, policy.sleepNanos(pending, oldest, since)));
            } catch (RuntimeException e) {
                LOG.warnf("checkpoint not issued: %s", e.getMessage());
                LockSupport.parkNanos(this, 500_000_000L);
            }
        }
    }

    /** What the issuing transaction found: the checkpoint to answer with, and whether it is new. */
    private record Issued(StoredCheckpoint checkpoint, boolean fresh) {
    }

    /** Signs a checkpoint over the verified head, if it grew; then answers the waiting ANCHORED seals. */
    synchronized Optional<StoredCheckpoint> issue() {
        LogAppender.Head head = appender.head();
        Issued issued = session.transaction("issuing a checkpoint", t -> {
            t.log().lockCheckpoints();
            Optional<StoredCheckpoint> last = proofs.latest(t);
            long lastSize = last.map(StoredCheckpoint::treeSize).orElse(0L);
            if (head.size() == 0 || lastSize >= head.size()) {
                return new Issued(last.orElse(null), false);
            }
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            Checkpoint body = new Checkpoint(origin, head.size(), head.root(), List.of(SealVerifier.CHECKPOINT_TIME_PREFIX + Rfc3339.format(now)));
            Signed s = signer.sign(body.body());
            StoredCheckpoint cp = StoredCheckpoint.of(head.size(), head.root(), now, s.suiteId(), s.note(), lastSize, s.suiteEvents(),
                    t.audit().length(), guard.authenticator());
            t.log().insertCheckpoint(cp);
            return new Issued(cp, true);
        });
        StoredCheckpoint cp = issued.checkpoint();
        if (issued.fresh()) {
            checkpointSize = cp.treeSize();
            lastIssued = cp;
            long signedNanos = System.nanoTime();
            if (lastSignedNanos != 0) {
                onIssued.accept(signedNanos - lastSignedNanos);
            }
            lastSignedNanos = signedNanos;
            stamper.stamp(cp); // committed first: a TSA that fails or is slow never loses a checkpoint
        } else if (cp != null) {
            checkpointSize = Math.max(checkpointSize, cp.treeSize());
        }
        lastIssueNanos = System.nanoTime();
        if (cp != null) {
            answer(cp);
        }
        return Optional.ofNullable(cp);
    }

    /** Answers the ANCHORED seals below {@code cp}'s size (the caller holds this checkpointer's lock). */
    private void answer(StoredCheckpoint cp) {
        List<Long> leaves = waiters.below(cp.treeSize());
        if (leaves.isEmpty()) {
            return;
        }
        try {
            Map<Long, dev.sealer.core.log.Anchor> anchors = session.transaction("building inclusion proofs", t -> proofs.anchors(t, leaves, cp));
            waiters.complete(leaves, anchors, leaf -> new IllegalStateException("no anchor for " + leaf));
        } catch (SealerException e) {
            waiters.complete(leaves, null, leaf -> e);
        }
    }

    /** For a waiter that registered after the checkpoint covering it was issued. */
    synchronized void answerLate() {
        session.transaction("reading the latest checkpoint", proofs::latest).ifPresent(this::answer);
    }
}
