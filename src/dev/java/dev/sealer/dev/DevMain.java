package dev.sealer.dev;

import java.nio.file.Path;

/**
 * The embedded default's launcher ({@code ./sealer run}): prepares the SoftHSM2 dev token, the
 * embedded PostgreSQL and the dev certificates under the work directory, then starts the
 * unchanged production service in the same JVM with the {@code dev} profile. It lives outside
 * the production artifact (in {@code target/sealer-*-dev.jar}, with {@code target/dev-lib}).
 *
 * <p>Settings: {@code sealer.dev.work-dir} / {@code SEALER_DEV_WORK_DIR} (default {@code work})
 * and {@code sealer.dev.db-port} / {@code SEALER_DEV_DB_PORT} (default 54329).
 */
public final class DevMain {
    /** The production jar's own entry point, started once the environment is ready. */
    private static final String SERVICE_ENTRY_POINT = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";

    private DevMain() {
    }

    public static void main(String... args) throws Throwable {
        String workDir = System.getProperty("sealer.dev.work-dir", System.getenv().getOrDefault("SEALER_DEV_WORK_DIR", "work"));
        int port = Integer.parseInt(System.getProperty("sealer.dev.db-port", System.getenv().getOrDefault("SEALER_DEV_DB_PORT", "54329")));
        System.setProperty("quarkus.profile", "dev");
        DevEnvironment.prepare(Path.of(workDir), port);
        System.setProperty(DevEnvironment.PREPARED, "true");
        try {
            Class.forName(SERVICE_ENTRY_POINT).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
