package dev.sealer.app.integrity;

import dev.sealer.app.HsmConnection;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.integrity.Finding;
import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.integrity.RowChecks;
import dev.sealer.core.integrity.SuiteHistoryCheck;
import dev.sealer.app.storage.StoredCheckpoint;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.storage.StoredSuiteEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Where the service decides that a stored row is its own. Holds the row authenticator (its key
 * derived in the HSM from the root, never stored), checks every stored seal it reads with the
 * one rule in {@link RowChecks}, and reports integrity findings: each one is an ERROR log line
 * starting {@code INTEGRITY}, a count in {@code sealer_integrity_findings_total}, and an entry in
 * a bounded list that the readiness check reads ({@code sealer.integrity.fail-readiness}).
 */
@Singleton
@Startup(15)
public class RowGuard {
    private static final Logger LOG = Logger.getLogger(RowGuard.class);
    private static final int KEPT = 100;

    @Inject
    HsmConnection hsm;
    @Inject
    MeterRegistry metrics;
    @ConfigProperty(name = "sealer.authority", defaultValue = "sealer")
    String authority;

    private RowAuthenticator authenticator;
    private Counter findings;
    private final Deque<Finding> recent = new ArrayDeque<>();
    private long total;

    @PostConstruct
    void start() {
        authenticator = RowAuthenticator.derive(hsm.hsm().rootKey(), authority);
        findings = metrics.counter("sealer.integrity.findings");
    }

    @PreDestroy
    void stop() {
        authenticator.close();
    }

    public RowAuthenticator authenticator() {
        return authenticator;
    }

    /** What is wrong with a stored seal, if anything. */
    public Optional<String> problem(StoredSeal s) {
        return RowChecks.seal(authenticator, s.leafIndex(), s.leafHash(), s.rowMac(), s.sigEd25519(), s.sigMlDsa(), s.sigMac());
    }

    /**
     * {@code s} when this authority wrote it; otherwise reports the finding and throws
     * ANCHOR_MISMATCH naming the row: a forged or altered row is never answered as a seal.
     */
    public StoredSeal requireAuthentic(StoredSeal s) {
        Optional<String> problem = problem(s);
        if (problem.isPresent()) {
            report(Finding.of("receipts", "leaf " + s.leafIndex() + " seal " + s.sealId(), problem.get()));
            throw new SealerException(Reason.ANCHOR_MISMATCH, "stored seal " + s.sealId() + " is not one this authority wrote: " + problem.get());
        }
        return s;
    }

    /** {@code cp} when this authority wrote it; otherwise reports the finding and throws ANCHOR_MISMATCH. */
    public StoredCheckpoint requireAuthentic(StoredCheckpoint cp) {
        if (!cp.authentic(authenticator)) {
            report(Finding.of("checkpoints", "tree_size " + cp.treeSize(), "does not match its authenticator: changed or not written by this authority"));
            throw new SealerException(Reason.ANCHOR_MISMATCH, "stored checkpoint " + cp.treeSize() + " is not one this authority wrote");
        }
        return cp;
    }

    /** {@code t} when this authority stored it; otherwise reports the finding and throws ANCHOR_MISMATCH. */
    public dev.sealer.app.storage.StoredTimestamp requireAuthentic(dev.sealer.app.storage.StoredTimestamp t) {
        if (!t.authentic(authenticator)) {
            report(Finding.of("checkpoint_timestamps", "tree_size " + t.treeSize(), "does not match its authenticator: changed or not written by this authority"));
            throw new SealerException(Reason.ANCHOR_MISMATCH, "stored time-stamp token of checkpoint " + t.treeSize() + " is not one this authority wrote");
        }
        return t;
    }

    /**
     * Checks the chained authenticators of the suite history before it is folded: an event this
     * authority did not write (or one changed, reordered or removed from the middle) is
     * reported and the history refused with ANCHOR_MISMATCH.
     */
    public void requireAuthenticHistory(List<StoredSuiteEvent> events) {
        List<dev.sealer.core.integrity.ChainCheck.Problem> problems = SuiteHistoryCheck.problems(authenticator, events.stream()
                .map(e -> new SuiteHistoryCheck.Event(e.seq(), e.position(), e.suiteId(), e.type(), e.effectiveAt(), e.actor(), e.payload(), e.rowMac()))
                .toList());
        if (!problems.isEmpty()) {
            problems.forEach(p -> report(Finding.of("suite_events", "event_seq " + p.seq(), p.detail())));
            throw new SealerException(Reason.ANCHOR_MISMATCH, "the suite history is not the one this authority wrote: " + problems.getFirst().detail());
        }
    }

    /** Reports one finding (log line, metric, readiness). */
    public void report(Finding f) {
        LOG.errorf("INTEGRITY %s", f);
        findings.increment();
        synchronized (recent) {
            total++;
            recent.addFirst(f);
            while (recent.size() > KEPT) {
                recent.removeLast();
            }
        }
    }

    /** The latest findings (at most {@value #KEPT}), newest first, and how many there were in all since start. */
    public record Summary(long total, List<Finding> latest) {
    }

    public Summary summary() {
        synchronized (recent) {
            return new Summary(total, List.copyOf(recent));
        }
    }
}
