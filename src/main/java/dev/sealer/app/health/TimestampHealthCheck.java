package dev.sealer.app.health;

import dev.sealer.app.tsa.CheckpointTimestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Trusted time: whether every checkpoint has its time-stamp token. Untimestamped checkpoints do
 * not stop sealing, so the check stays UP and says {@code state: degraded} with how many wait
 * and why, rather than taking the instance out of service.
 */
@Readiness
@ApplicationScoped
public class TimestampHealthCheck implements HealthCheck {
    @Inject
    CheckpointTimestamps timestamps;

    @Override
    public HealthCheckResponse call() {
        CheckpointTimestamps.Status s = timestamps.status();
        var b = HealthCheckResponse.named("timestamps").up().withData("state", s.degraded() ? "degraded" : "ok")
                .withData("untimestamped_checkpoints", s.untimestamped()).withData("authorities", String.join(",", s.authorities()));
        if (s.lastError() != null) {
            b.withData("error", s.lastError());
        }
        return b.build();
    }
}
