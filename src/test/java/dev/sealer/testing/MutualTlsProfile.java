package dev.sealer.testing;

import dev.sealer.dev.DevCertificates;
import dev.sealer.dev.DevEnvironment;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The service with mutual TLS exactly as the dev profile turns it on (same certificate code,
 * same settings), with certificates made once per test JVM in a temporary directory. Adds a
 * client of the dev CA that has no role ({@code nobody}), and audits ListSuites so the
 * audited-call path has a method to run on.
 */
public class MutualTlsProfile implements QuarkusTestProfile {
    public static final String NOBODY = "nobody";
    public static final String AUDITED_METHOD = "sealer.v1.KeyService/ListSuites";

    /** The JVM's test certificates (found again through a system property across Quarkus class loaders). */
    public static synchronized DevCertificates certificates() {
        String dir = System.getProperty("sealer.test.tls.dir");
        if (dir != null) {
            return new DevCertificates(Path.of(dir));
        }
        try {
            DevCertificates certs = DevCertificates.createIfMissing(Files.createTempDirectory("sealer-test-tls-"));
            certs.issueClient(NOBODY, "CN=dev-nobody,O=Sealer dev");
            System.setProperty("sealer.test.tls.dir", certs.dir().toString());
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(DevEnvironment.tlsProperties(certificates()));
        config.put("sealer.auth.audited-methods", AUDITED_METHOD);
        return config;
    }
}
