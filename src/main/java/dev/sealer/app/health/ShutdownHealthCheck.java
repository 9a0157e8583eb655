package dev.sealer.app.health;

import dev.sealer.app.seal.ShutdownDrain;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready from the moment SIGTERM started the drain: a load balancer stops sending calls here. */
@Readiness
@ApplicationScoped
public class ShutdownHealthCheck implements HealthCheck {
    @Inject
    ShutdownDrain drain;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("shutdown");
        return drain.draining() ? builder.down().withData("state", "draining").build() : builder.up().build();
    }
}
