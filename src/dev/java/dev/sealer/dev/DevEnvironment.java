package dev.sealer.dev;

import java.nio.file.Path;

/**
 * The embedded default ({@code dev} profile, started by {@link DevMain}): a SoftHSM2 token made by the key ceremony on the
 * first run and an embedded PostgreSQL, both under one work directory, so restarts keep the
 * token and the data. It runs before Quarkus starts and hands Quarkus its settings as system
 * properties.
 */
public final class DevEnvironment {
    public static final String TOKEN_LABEL = "sealer-dev";
    /** Set once the embedded default is ready; the service refuses the dev profile without it. */
    public static final String PREPARED = "sealer.dev.prepared";

    private DevEnvironment() {
    }

    public static void prepare(Path workDir, int dbPort) {
        System.out.println("sealer dev: work directory " + workDir.toAbsolutePath());
        DevToken token = DevToken.createIfMissing(workDir.resolve("hsm"), TOKEN_LABEL).activate();
        EmbeddedDatabase db = EmbeddedDatabase.start(workDir.resolve("pg"), dbPort);
        Runtime.getRuntime().addShutdownHook(new Thread(db::close, "embedded-postgres-stop"));
        System.setProperty("quarkus.datasource.jdbc.url", db.serviceUrl(EmbeddedDatabase.DATABASE));
        System.setProperty("quarkus.datasource.username", EmbeddedDatabase.APP_ROLE);
        System.setProperty("sealer.db.owner.username", EmbeddedDatabase.OWNER_ROLE);
        System.setProperty("sealer.hsm.library", DevToken.SOFTHSM_LIBRARY);
        System.setProperty("sealer.hsm.token-label", token.label());
        System.setProperty("sealer.hsm.pin-file", token.pinFile().toString());
        System.out.println("sealer dev: SoftHSM2 token '" + token.label() + "' in " + token.dir()
                + ", PostgreSQL on port " + db.port() + " (data in " + db.dataDirectory() + ")");
        DevCertificates tls = DevCertificates.createIfMissing(workDir.resolve("tls"));
        tlsProperties(tls).forEach(DevEnvironment::setUnlessGiven);
        System.out.println("sealer dev: gRPC over mutual TLS; CA, server and client certificates (sealer, auditor, key-admin) in " + tls.dir());
    }

    /** The settings that turn on mutual TLS on the gRPC server with {@code tls} (dev profile and tests). */
    public static java.util.Map<String, String> tlsProperties(DevCertificates tls) {
        return java.util.Map.of(
                "quarkus.grpc.server.ssl.certificate", tls.serverCertificate().toString(),
                "quarkus.grpc.server.ssl.key", tls.serverKey().toString(),
                "quarkus.grpc.server.ssl.trust-store", tls.trustStore().toString(),
                "quarkus.grpc.server.ssl.trust-store-password", DevCertificates.TRUST_STORE_PASSWORD,
                "quarkus.grpc.server.ssl.client-auth", "REQUEST",
                "quarkus.grpc.server.plain-text", "false",
                "sealer.auth.plaintext", "false",
                "sealer.auth.roles.sealer", DevCertificates.CLIENTS.get("sealer"),
                "sealer.auth.roles.auditor", DevCertificates.CLIENTS.get("auditor"),
                "sealer.auth.roles.key-admin", DevCertificates.CLIENTS.get("key-admin"));
    }

    /** A system property outranks the environment, so a key the operator set either way is left alone. */
    private static void setUnlessGiven(String key, String value) {
        String env = key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        if (System.getProperty(key) == null && System.getenv(env) == null) {
            System.setProperty(key, value);
        }
    }
}
