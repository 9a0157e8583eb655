package dev.sealer.testing;

import dev.sealer.dev.DevToken;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points a {@code @QuarkusTest} at the per-JVM test PostgreSQL and SoftHSM2 token. */
public class SealerTestResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        TestHsm hsm = TestHsm.get();
        TestDatabase db = TestDatabase.get();
        return Map.of(
                "quarkus.datasource.jdbc.url", db.serviceUrl(),
                "quarkus.datasource.username", db.appRole(),
                "quarkus.datasource.password", "",
                "sealer.db.owner.username", db.ownerRole(),
                "sealer.db.owner.password", "",
                "sealer.hsm.library", DevToken.SOFTHSM_LIBRARY,
                "sealer.hsm.token-label", TestHsm.GOOD,
                "sealer.hsm.pin-file", hsm.pinFile(TestHsm.GOOD).toString());
    }

    @Override
    public void stop() {
        // the database and the token live for the whole test JVM
    }
}
