package dev.sealer;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/**
 * Entry point of the single jar. {@code serve} (the default) starts the service; other commands
 * are offline tools that never start the server. The embedded default ({@code ./sealer run}:
 * SoftHSM2 dev token, embedded PostgreSQL, dev certificates) is not part of this artifact: its
 * launcher ({@code dev.sealer.dev.DevMain}, in {@code target/sealer-*-dev.jar}) prepares it and
 * then starts this same entry point with the {@code dev} profile.
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
        if (profile.equals("dev") && System.getProperty("sealer.dev.prepared") == null) {
            System.err.println("sealer: the dev profile runs on the embedded default, which this jar does not carry: start it with ./sealer run");
            System.exit(2);
            return;
        }
        // SIGTERM is the orderly stop an orchestrator asks for: drain (dev.sealer.app.seal.ShutdownDrain) and exit 0,
        // not the JVM's 143
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> Quarkus.asyncExit(0));
        Quarkus.run(rest);
    }
}
