package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.dev.DevCertificates;
import dev.sealer.dev.DevEnvironment;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestHsm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar's access settings: mutual TLS by default, plaintext only when asked for, refusal otherwise. */
class AccessStartupIT {

    @Test
    void packagedService_withoutTlsAndWithoutThePlaintextOptIn_refusesToStart() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(TestHsm.GOOD, Map.of("sealer.auth.plaintext", "false"), Map.of())) {
            assertNotEquals(0, service.awaitExit(Duration.ofSeconds(90)));
            assertTrue(service.output().contains("the gRPC server has no TLS certificate"), service.output());
        }
    }

    @Test
    void packagedService_withMutualTlsButNoTrustStore_refusesToStart(@TempDir Path dir) throws Exception {
        DevCertificates certs = DevCertificates.createIfMissing(dir);
        Map<String, String> props = Map.of("quarkus.grpc.server.ssl.certificate", certs.serverCertificate().toString(),
                "quarkus.grpc.server.ssl.key", certs.serverKey().toString(), "quarkus.grpc.server.ssl.client-auth", "REQUEST");
        try (ServiceProcess service = ServiceProcess.start(TestHsm.GOOD, props, Map.of())) {
            assertNotEquals(0, service.awaitExit(Duration.ofSeconds(90)));
            assertTrue(service.output().contains("mutual TLS needs quarkus.grpc.server.ssl.trust-store"), service.output());
        }
    }

    @Test
    void packagedService_withTheDevProfilesTlsSettings_becomesReady(@TempDir Path dir) throws Exception {
        try (ServiceProcess service = ServiceProcess.start(TestHsm.GOOD, DevEnvironment.tlsProperties(DevCertificates.createIfMissing(dir)), Map.of())) {
            service.awaitReady(Duration.ofSeconds(90));
            assertTrue(service.output().contains("over mutual TLS (client-auth REQUEST)"), service.output());
        }
    }
}
