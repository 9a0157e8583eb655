package dev.sealer.app.sweep;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.log.TransparencyLog;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.integrity.IntegrityCheck;
import dev.sealer.app.storage.DamagedLog;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.Tables;
import dev.sealer.core.merkle.TreeAppender;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * Runs the integrity sweep ({@link dev.sealer.core.integrity.IntegrityCheck} over every stored
 * row) for the admin RPC and on a schedule: a full pass every {@code sealer.sweep.interval}
 * (1 h), and every {@code sealer.sweep.incremental-interval} (1 min) an incremental pass over
 * what was appended after the last checkpoint a clean pass verified. Every
 * finding is reported through {@link RowGuard} (ERROR log line, metric, readiness). One sweep
 * runs at a time; a second request while one runs is answered RESOURCE_EXHAUSTED / OVERLOADED.
 */
@ApplicationScoped
public class IntegritySweeper {
    private static final Logger LOG = Logger.getLogger(IntegritySweeper.class);

    @Inject
    Storage storage;
    @Inject
    RowGuard guard;
    @Inject
    SuiteRegistry suites;
    @Inject
    TransparencyLog log;
    @Inject
    dev.sealer.app.metrics.SealerMetrics metrics;

    private final Semaphore running = new Semaphore(1);
    /** Where the last clean pass ended: the next incremental pass starts at this verified checkpoint. */
    private volatile IntegrityCheck.CheckpointRow verified;

    /** A full sweep of every stored row. */
    public IntegrityCheck.Report sweep() {
        return run(false);
    }

    /** What was appended since the last clean pass (a full one when there was none). */
    public IntegrityCheck.Report sweepIncremental() {
        return run(true);
    }

    private IntegrityCheck.Report run(boolean incremental) {
        if (!running.tryAcquire()) {
            throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.OVERLOADED, "an integrity sweep is already running");
        }
        try {
            IntegrityCheck.CheckpointRow from = incremental ? verified : null;
            long started = System.nanoTime();
            IntegrityCheck[] used = new IntegrityCheck[1];
            IntegrityCheck.Report r = storage.snapshot("integrity sweep", t -> {
                IntegrityCheck check = from == null ? new IntegrityCheck(guard.authenticator(), suites.trustBundle()::suite, log.origin())
                        : new IntegrityCheck(guard.authenticator(), suites.trustBundle()::suite, log.origin(), treeAt(t, from.treeSize()), from.treeSize(),
                                from.rootHash());
                log.lastIssued().filter(cp -> from == null || cp.treeSize() >= from.treeSize())
                        .ifPresent(cp -> check.expect(cp.treeSize(), cp.rootHash(), "checkpoint " + cp.treeSize() + " this service signed"));
                check.withTimestampTrust(suites.trustBundle().timestampAuthorities(), suites.trustBundle().root().ecdsaP256());
                used[0] = check;
                return t.sweep(check);
            });
            IntegrityCheck check = used[0];
            r.findings().forEach(guard::report);
            metrics.sweepFinished(from == null ? "full" : "incremental", r.findings().size(), java.time.Instant.now().getEpochSecond());
            String kind = from == null ? "integrity sweep" : "incremental integrity sweep from tree size " + from.treeSize();
            if (r.clean()) {
                check.lastVerifiedCheckpoint().ifPresent(cp -> verified = cp);
                LOG.infof("%s clean in %d ms: %d receipts (%d with signatures), %d nodes, %d checkpoints, %d suite events, %d audit events, %d re-seals",
                        kind, (System.nanoTime() - started) / 1_000_000, r.receipts(), r.signatures(), r.nodes(), r.checkpoints(), r.suiteEvents(),
                        r.auditEvents(), r.reseals());
            } else {
                verified = null; // the next pass is a full one
                LOG.errorf("%s: %d finding(s)", kind, r.findings().size());
            }
            return r;
        } finally {
            running.release();
        }
    }

    /**
     * The tree at {@code size} rebuilt from the stored nodes, for an incremental pass; an empty
     * tree when they cannot give it (the pass's root comparison then reports the damage).
     */
    private static TreeAppender treeAt(Tables t, long size) {
        try {
            return TreeAppender.restore(size, t.log().nodes(TreeAppender.compactRange(size), leaf -> null));
        } catch (DamagedLog | IllegalArgumentException damaged) {
            return new TreeAppender();
        }
    }

    @Scheduled(every = "${sealer.sweep.interval:1h}", delayed = "${sealer.sweep.initial-delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledFull() {
        runQuietly(false);
    }

    @Scheduled(every = "${sealer.sweep.incremental-interval:1m}", delayed = "${sealer.sweep.initial-delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledIncremental() {
        runQuietly(true);
    }

    private void runQuietly(boolean incremental) {
        try {
            run(incremental);
        } catch (RuntimeException e) {
            LOG.warnf("integrity sweep could not run: %s", e.getMessage());
        }
    }
}
