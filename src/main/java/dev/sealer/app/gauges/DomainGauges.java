package dev.sealer.app.gauges;

import dev.sealer.app.HsmConnection;
import dev.sealer.app.log.TransparencyLog;
import dev.sealer.app.suite.SuiteRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/**
 * The gauges that read the rooms' state at scrape time: log size, checkpoint lag, ANCHORED
 * waiters, the HSM's state, and the days left in the active suite's signing window. (The
 * recorded metrics are in {@link dev.sealer.app.metrics.SealerMetrics}.)
 */
@Singleton
@Startup(40)
public class DomainGauges {
    @Inject
    MeterRegistry registry;
    @Inject
    TransparencyLog log;
    @Inject
    SuiteRegistry suites;
    @Inject
    HsmConnection hsm;
    @Inject
    Clock clock;

    @PostConstruct
    void register() {
        Gauge.builder("sealer.log.size", log, TransparencyLog::size).description("leaves in the transparency log this instance checked")
                .baseUnit("entries").register(registry);
        Gauge.builder("sealer.checkpoint.lag.entries", log, TransparencyLog::checkpointLagEntries)
                .description("log entries not yet covered by a checkpoint").register(registry);
        Gauge.builder("sealer.checkpoint.lag", log, TransparencyLog::checkpointLagSeconds)
                .description("seconds since the last checkpoint while entries wait for one (0 when all are covered)").baseUnit("seconds")
                .register(registry);
        Gauge.builder("sealer.anchored.waiters", log, TransparencyLog::anchoredWaiters).description("ANCHORED seals waiting for a checkpoint")
                .register(registry);
        Gauge.builder("sealer.hsm.up", hsm, HsmConnection::up).description("1 while the HSM probe succeeds, 0 while the HSM is unavailable")
                .register(registry);
        Gauge.builder("sealer.suite.signing.remaining.days", this, DomainGauges::signingDaysLeft)
                .description("days until the active suite's signing window ends (rotation is due a handover before)").register(registry);
    }

    double signingDaysLeft() {
        SuiteRegistry.State state = suites.state();
        if (state == null || state.activeWindows() == null) {
            return 0;
        }
        return Duration.between(clock.instant(), state.activeWindows().signUntil()).toSeconds() / 86_400.0;
    }
}
