package dev.sealer;

import dev.sealer.dev.DevEnvironment;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of the single jar. {@code serve} (the default) starts the service; the dev profile
 * first prepares the embedded default (SoftHSM2 token, embedded PostgreSQL). Other commands are
 * offline tools that never start the server.
 */
@QuarkusMain
public final class Main {
    private Main() {
    }

    public static void main(String... args) {
        if (args.length > 0 && !args[0].equals("serve")) {
            System.exit(dev.sealer.cli.SealerCli.run(args));
            return;
        }
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        String profile = System.getProperty("quarkus.profile", System.getenv().getOrDefault("QUARKUS_PROFILE", "prod"));
        if (profile.equals("dev")) {
            String workDir = System.getProperty("sealer.dev.work-dir", System.getenv().getOrDefault("SEALER_DEV_WORK_DIR", "work"));
            int port = Integer.parseInt(System.getProperty("sealer.dev.db-port", System.getenv().getOrDefault("SEALER_DEV_DB_PORT", "54329")));
            DevEnvironment.prepare(Path.of(workDir), port);
        }
        Quarkus.run(rest);
    }
}
