package dev.sealer.dev;

import java.nio.file.Path;

/**
 * The embedded default ({@code dev} profile): a SoftHSM2 token made by the key ceremony on the
 * first run and an embedded PostgreSQL, both under one work directory, so restarts keep the
 * token and the data. It runs before Quarkus starts and hands Quarkus its settings as system
 * properties.
 */
public final class DevEnvironment {
    public static final String TOKEN_LABEL = "sealer-dev";

    private DevEnvironment() {
    }

    public static void prepare(Path workDir, int dbPort) {
        System.out.println("sealer dev: work directory " + workDir.toAbsolutePath());
        DevToken token = DevToken.createIfMissing(workDir.resolve("hsm"), TOKEN_LABEL).activate();
        EmbeddedDatabase db = EmbeddedDatabase.start(workDir.resolve("pg"), dbPort);
        Runtime.getRuntime().addShutdownHook(new Thread(db::close, "embedded-postgres-stop"));
        System.setProperty("quarkus.datasource.jdbc.url", db.jdbcUrl());
        System.setProperty("quarkus.datasource.username", db.username());
        System.setProperty("sealer.hsm.library", DevToken.SOFTHSM_LIBRARY);
        System.setProperty("sealer.hsm.token-label", token.label());
        System.setProperty("sealer.hsm.pin-file", token.pinFile().toString());
        System.out.println("sealer dev: SoftHSM2 token '" + token.label() + "' in " + token.dir()
                + ", PostgreSQL on port " + db.port() + " (data in " + db.dataDirectory() + ")");
    }
}
