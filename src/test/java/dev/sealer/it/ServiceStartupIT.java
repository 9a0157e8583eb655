package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestHsm;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged jar as an operator runs it: it starts on a good token and refuses a bad one, saying why. */
class ServiceStartupIT {

    @Test
    void packagedService_withGoodTokenAndDatabase_becomesReadyWithBothChecks() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(TestHsm.GOOD, Map.of(), Map.of())) {
            String body = service.awaitReady(Duration.ofSeconds(90));
            assertTrue(body.contains("\"hsm\"") && body.contains("\"database\""), body);
        }
    }

    @Test
    void packagedService_withWrongPin_refusesToStartNamingTheIncorrectPin() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(TestHsm.NO_ROOT, Map.of(), Map.of("SEALER_HSM_PIN", "not-the-pin"))) {
            assertNotEquals(0, service.awaitExit(Duration.ofSeconds(90)));
            assertTrue(service.output().contains("HSM login to token 'sealer-noroot' failed: PIN incorrect"), service.output());
        }
    }

    @Test
    void packagedService_withRootSecretMissing_refusesToStartNamingTheKey() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(TestHsm.NO_ROOT, Map.of(), Map.of())) {
            assertNotEquals(0, service.awaitExit(Duration.ofSeconds(90)));
            assertTrue(service.output().contains("root derivation secret 'sealer-root' not found in token 'sealer-noroot'"), service.output());
        }
    }

    @Test
    void packagedService_withExtractableRootSecret_refusesToStart() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(TestHsm.EXTRACTABLE,
                Map.of("sealer.hsm.root-key-label", TestHsm.EXTRACTABLE_ROOT_LABEL), Map.of())) {
            assertNotEquals(0, service.awaitExit(Duration.ofSeconds(90)));
            assertTrue(service.output().contains("is extractable (CKA_EXTRACTABLE=true); refusing to start"), service.output());
        }
    }
}
