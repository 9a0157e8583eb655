package dev.sealer.app.seal;

import dev.sealer.app.log.TransparencyLog;
import dev.sealer.app.storage.StoredCheckpoint;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What SIGTERM does before anything closes: stop admitting seals (they answer UNAVAILABLE /
 * SHUTTING_DOWN and store nothing), let the admitted ones reach their answer within
 * {@code sealer.shutdown.drain-time} (checkpoints are signed at once meanwhile, so ANCHORED
 * seals need not wait for the cadence), then sign the last checkpoint over everything committed.
 * Seals still unanswered at the end of the drain time fail as the commit writer and the log close.
 */
@Singleton
public class ShutdownDrain {
    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    @Inject
    SealWriter writer;
    @Inject
    TransparencyLog log;
    @ConfigProperty(name = "sealer.shutdown.drain-time", defaultValue = "PT20S")
    Duration drainTime;

    private volatile boolean draining;

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        drain();
    }

    /** True from the start of the drain: new calls are refused (SHUTTING_DOWN) and readiness is DOWN. */
    public boolean draining() {
        return draining;
    }

    void drain() {
        long started = System.nanoTime();
        draining = true;
        writer.stopAdmitting();
        int admitted = writer.inFlight();
        LOG.infof("shutdown: stopped admitting seals; %d admitted seal(s) in flight, drain time %d ms", admitted, drainTime.toMillis());
        long deadline = started + drainTime.toNanos();
        while (writer.inFlight() > 0 && System.nanoTime() - deadline < 0) {
            checkpoint();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = writer.inFlight();
        Optional<StoredCheckpoint> last = checkpoint();
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (left > 0) {
            LOG.warnf("shutdown: %d seal(s) still unanswered after the drain time (%d ms); they fail as the service stops", left, ms);
        }
        LOG.infof("shutdown: drained in %d ms; last checkpoint tree size %s", ms, last.map(c -> String.valueOf(c.treeSize())).orElse("none"));
    }

    private Optional<StoredCheckpoint> checkpoint() {
        try {
            return log.issueCheckpoint();
        } catch (RuntimeException e) {
            LOG.warnf("shutdown: checkpoint not issued: %s", e.getMessage());
            return Optional.empty();
        }
    }
}
