package dev.sealer.app.log;

import dev.sealer.core.time.Rfc3339;
import dev.sealer.app.integrity.RowGuard;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.log.Checkpoint;
import dev.sealer.core.log.CheckpointPolicy;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.store.AuditStore;
import dev.sealer.store.HeldConnection;
import dev.sealer.store.LogStore;
import dev.sealer.store.LogStore.StoredCheckpoint;
import dev.sealer.store.ReceiptStore;
import dev.sealer.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
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

    /** A signed note, the suite that signed it and the length of the suite history it knew. */
    record Signed(String suiteId, String note, long suiteEvents) {
    }

    private final LogAppender appender;
    private final AnchorWaiters waiters;
    private final LogProofs proofs;
    private final RowGuard guard;
    private final CheckpointPolicy policy;
    private final Signer signer;
    private final Clock clock;
    private final String origin;
    private final HeldConnection connection; // guarded by this
    private volatile long checkpointSize;
    private volatile StoredCheckpoint lastIssued;
    private volatile long lastIssueNanos = System.nanoTime();
    private volatile boolean running = true;
    private Thread thread;

    Checkpointer(LogAppender appender, AnchorWaiters waiters, LogProofs proofs, RowGuard guard, CheckpointPolicy policy, Signer signer,
            Clock clock, String origin, HeldConnection connection) {
        this.appender = appender;
        this.waiters = waiters;
        this.proofs = proofs;
        this.guard = guard;
        this.policy = policy;
        this.signer = signer;
        this.clock = clock;
        this.origin = origin;
        this.connection = connection;
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

    /** The last checkpoint this process signed, if any: the sweep checks the database still holds it. */
    Optional<StoredCheckpoint> lastIssued() {
        return Optional.ofNullable(lastIssued);
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
            connection.close();
        }
    }

    private void run() {
        while (running) {
            try {
                long now = System.nanoTime();
                long pending = appender.head().size() - checkpointSize;
                long oldest = waiters.oldestWaitNanos(now);
                long since = now - lastIssueNanos;
                if (policy.due(pending, oldest, since)) {
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

    /** Signs a checkpoint over the verified head, if it grew; then answers the waiting ANCHORED seals. */
    synchronized Optional<StoredCheckpoint> issue() {
        LogAppender.Head head = appender.head();
        StoredCheckpoint cp;
        try {
            Connection c = connection.get();
            c.setAutoCommit(false);
            try {
                ReceiptStore.lockCheckpoints(c);
                Optional<StoredCheckpoint> last = proofs.latest(c);
                long lastSize = last.map(StoredCheckpoint::treeSize).orElse(0L);
                if (head.size() == 0 || lastSize >= head.size()) {
                    c.rollback();
                    checkpointSize = Math.max(checkpointSize, lastSize);
                    lastIssueNanos = System.nanoTime();
                    last.ifPresent(l -> answer(c, l));
                    return last;
                }
                Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                Checkpoint body = new Checkpoint(origin, head.size(), head.root(), List.of(SealVerifier.CHECKPOINT_TIME_PREFIX + Rfc3339.format(now)));
                Signed s = signer.sign(body.body());
                cp = StoredCheckpoint.of(head.size(), head.root(), now, s.suiteId(), s.note(), lastSize, s.suiteEvents(), AuditStore.length(c),
                        guard.authenticator());
                LogStore.insertCheckpoint(c, cp);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                connection.discard(); // closing rolls the transaction back
                throw e;
            }
            checkpointSize = cp.treeSize();
            lastIssued = cp;
            lastIssueNanos = System.nanoTime();
            answer(c, cp);
            c.rollback(); // ends the read transaction of the proofs: a held connection must not sit idle in one
            return Optional.of(cp);
        } catch (SQLException e) {
            connection.discard();
            throw StoreException.from(e, "issuing a checkpoint");
        }
    }

    /** Answers the ANCHORED seals below {@code cp}'s size (the caller holds this checkpointer's lock). */
    void answer(Connection c, StoredCheckpoint cp) {
        List<Long> leaves = waiters.below(cp.treeSize());
        if (leaves.isEmpty()) {
            return;
        }
        try {
            Map<Long, dev.sealer.core.log.Anchor> anchors = proofs.anchors(c, leaves, cp);
            waiters.complete(leaves, anchors, leaf -> new IllegalStateException("no anchor for " + leaf));
        } catch (SQLException e) {
            SealerException failure = StoreException.from(e, "building inclusion proofs");
            waiters.complete(leaves, null, leaf -> failure);
        } catch (SealerException e) {
            waiters.complete(leaves, null, leaf -> e);
        }
    }

    /** For a waiter that registered after the checkpoint covering it was issued. */
    synchronized void answerLate(Connection c) throws SQLException {
        Optional<StoredCheckpoint> latest = proofs.latest(c);
        latest.ifPresent(cp -> answer(c, cp));
    }
}
