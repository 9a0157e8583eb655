package dev.sealer.app.metrics;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The domain metrics the rooms record into (Prometheus at {@code /q/metrics}; names and labels
 * in docs/operations.md, "Metrics"). Depends on nothing of the service, so every room may use
 * it; the gauges that read a room's state are registered in {@code app.gauges}.
 *
 * <p>Label values come from closed sets (seal modes, {@link Reason} codes, sweep kinds, HSM
 * operations), so no label can grow without bound.
 */
@Singleton
public class SealerMetrics {
    @Inject
    MeterRegistry registry;

    private DistributionSummary batchSize;
    private Timer commitDuration;
    private Timer checkpointInterval;
    private final AtomicLong sweepLastRun = new AtomicLong();
    private final AtomicLong sweepLastFindings = new AtomicLong();

    @PostConstruct
    void register() {
        batchSize = DistributionSummary.builder("sealer.commit.batch.size").description("seals inserted per group-commit transaction")
                .baseUnit("seals").publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(4096.0).register(registry);
        commitDuration = Timer.builder("sealer.commit.duration").description("group-commit transaction, from taking the log lock to the commit")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        checkpointInterval = Timer.builder("sealer.checkpoint.interval").description("time between two checkpoints this instance signed")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        Gauge.builder("sealer.sweep.last.run.timestamp", sweepLastRun, AtomicLong::get)
                .description("when the last integrity sweep of this instance finished (Unix seconds; 0: none yet)").baseUnit("seconds")
                .register(registry);
        Gauge.builder("sealer.sweep.last.findings", sweepLastFindings, AtomicLong::get)
                .description("findings of the last integrity sweep of this instance").register(registry);
        hsmFailures("probe"); // present from the start, so an alert on its rate has a series
    }

    private Counter hsmFailures(String operation) {
        return Counter.builder("sealer.hsm.failures").description("failed calls into the HSM").tag("operation", operation).register(registry);
    }

    /** A seal request ended: {@code mode} SIGNED or ANCHORED, {@code failure} null when it was sealed. */
    public void sealed(String mode, boolean replayed, Throwable failure) {
        String outcome = failure == null ? (replayed ? "replayed" : "sealed") : reasonOf(failure);
        Counter.builder("sealer.seals").description("seal requests by mode and outcome (sealed, replayed, or the error reason)")
                .tag("mode", mode).tag("outcome", outcome).register(registry).increment();
    }

    /** One group-commit transaction committed {@code seals} new seals in {@code nanos}. */
    public void commitBatch(int seals, long nanos) {
        batchSize.record(seals);
        commitDuration.record(Duration.ofNanos(nanos));
    }

    /** A checkpoint was signed {@code nanos} after the previous one. */
    public void checkpointInterval(long nanos) {
        checkpointInterval.record(Duration.ofNanos(nanos));
    }

    /** One call into the HSM ({@code operation}: a closed set, e.g. "probe") took {@code nanos}; {@code ok} false when it failed. */
    public void hsmCall(String operation, long nanos, boolean ok) {
        Timer.builder("sealer.hsm.call.duration").description("calls into the HSM").tag("operation", operation)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry).record(Duration.ofNanos(nanos));
        if (!ok) {
            hsmFailures(operation).increment();
        }
    }

    /** An integrity sweep ({@code kind} full or incremental) finished at {@code epochSecond} with {@code findings}. */
    public void sweepFinished(String kind, int findings, long epochSecond) {
        sweepLastRun.set(epochSecond);
        sweepLastFindings.set(findings);
        Counter.builder("sealer.sweep.runs").description("integrity sweeps by kind and result").tag("kind", kind)
                .tag("result", findings == 0 ? "clean" : "findings").register(registry).increment();
    }

    /** The stable reason of a failure (its SealerException anywhere in the cause chain), else "internal". */
    static String reasonOf(Throwable t) {
        Throwable e = t;
        while (e instanceof CompletionException || e instanceof ExecutionException) {
            if (e.getCause() == null) {
                break;
            }
            e = e.getCause();
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SealerException s) {
                return s.reason().name();
            }
        }
        return "internal";
    }
}
