package dev.sealer.app.health;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.log.TransparencyLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@code integrity}: DOWN while log appends are stopped by a quarantined row,
 * and, when {@code sealer.integrity.fail-readiness=true}, as soon as any integrity finding was
 * reported since start (a sweep, a read, the log's tail check). Up otherwise, with the count.
 */
@Readiness
@ApplicationScoped
public class IntegrityCheckHealth implements HealthCheck {
    @Inject
    RowGuard guard;
    @Inject
    TransparencyLog log;
    @ConfigProperty(name = "sealer.integrity.fail-readiness", defaultValue = "false")
    boolean failOnFinding;

    @Override
    public HealthCheckResponse call() {
        RowGuard.Summary s = guard.summary();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("integrity").withData("findings", s.total());
        if (!s.latest().isEmpty()) {
            b.withData("latest", s.latest().getFirst().toString());
        }
        var quarantine = log.quarantine();
        if (quarantine.isPresent()) {
            return b.withData("appends", "stopped: " + quarantine.get()).down().build();
        }
        return (failOnFinding && s.total() > 0 ? b.down() : b.up()).build();
    }
}
