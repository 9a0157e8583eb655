package dev.sealer.app.health;

import dev.sealer.app.HsmConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while a real HMAC through the token's root secret succeeds. */
@Readiness
@ApplicationScoped
public class HsmHealthCheck implements HealthCheck {
    @Inject
    HsmConnection connection;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("hsm").withData("token", connection.hsm().tokenLabel());
        try {
            connection.hsm().probe();
            return builder.up().build();
        } catch (RuntimeException e) {
            return builder.down().withData("error", e.getMessage()).build();
        }
    }
}
