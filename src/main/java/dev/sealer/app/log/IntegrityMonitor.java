package dev.sealer.app.log;

import dev.sealer.store.IntegritySweep;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import org.jboss.logging.Logger;

/** Runs the integrity sweep on a schedule ({@code sealer.sweep.interval}, default hourly) and logs every mismatch. */
@ApplicationScoped
public class IntegrityMonitor {
    private static final Logger LOG = Logger.getLogger(IntegrityMonitor.class);

    @Inject
    AgroalDataSource dataSource;

    @Scheduled(every = "${sealer.sweep.interval:1h}", delayed = "${sealer.sweep.initial-delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try (Connection c = dataSource.getConnection()) {
            IntegritySweep.Report r = IntegritySweep.run(c);
            if (r.clean()) {
                LOG.infof("integrity sweep clean: %d receipts, %d nodes, %d checkpoints", r.receiptsChecked(), r.nodesChecked(), r.checkpointsChecked());
            } else {
                r.findings().forEach(f -> LOG.errorf("integrity sweep: %s seal=%s leaf=%d %s", f.reason(), f.sealId(), f.leafIndex(), f.detail()));
            }
        } catch (Exception e) {
            LOG.warnf("integrity sweep could not run: %s", e.getMessage());
        }
    }
}
