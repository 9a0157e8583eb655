package dev.sealer.app.integrity;

import dev.sealer.app.log.TransparencyLog;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.integrity.IntegrityCheck;
import dev.sealer.store.IntegritySweep;
import dev.sealer.store.StoreException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * Runs the integrity sweep ({@link dev.sealer.core.integrity.IntegrityCheck} over every stored
 * row) for the admin RPC and on a schedule ({@code sealer.sweep.interval}, default hourly). Every
 * finding is reported through {@link RowGuard} (ERROR log line, metric, readiness). One sweep
 * runs at a time; a second request while one runs is answered RESOURCE_EXHAUSTED.
 */
@ApplicationScoped
public class IntegritySweeper {
    private static final Logger LOG = Logger.getLogger(IntegritySweeper.class);

    @Inject
    AgroalDataSource dataSource;
    @Inject
    RowGuard guard;
    @Inject
    SuiteRegistry suites;
    @Inject
    TransparencyLog log;

    private final Semaphore running = new Semaphore(1);

    public IntegrityCheck.Report sweep() {
        if (!running.tryAcquire()) {
            throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.RESOURCE_EXHAUSTED, "an integrity sweep is already running");
        }
        try (Connection c = dataSource.getConnection()) {
            IntegrityCheck check = new IntegrityCheck(guard.authenticator(), suites.trustBundle()::suite, log.origin());
            log.lastIssued().ifPresent(cp -> check.expect(cp.treeSize(), cp.rootHash(), "checkpoint " + cp.treeSize() + " this service signed"));
            IntegrityCheck.Report r = IntegritySweep.run(c, check);
            r.findings().forEach(guard::report);
            if (r.clean()) {
                LOG.infof("integrity sweep clean: %d receipts (%d with signatures), %d nodes, %d checkpoints, %d suite events, %d audit events, %d re-seals",
                        r.receipts(), r.signatures(), r.nodes(), r.checkpoints(), r.suiteEvents(), r.auditEvents(), r.reseals());
            }
            return r;
        } catch (SQLException e) {
            throw StoreException.from(e, "integrity sweep");
        } finally {
            running.release();
        }
    }

    @Scheduled(every = "${sealer.sweep.interval:1h}", delayed = "${sealer.sweep.initial-delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warnf("integrity sweep could not run: %s", e.getMessage());
        }
    }
}
