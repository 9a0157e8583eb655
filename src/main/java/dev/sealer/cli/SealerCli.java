package dev.sealer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sealer} command line. {@code serve} is handled by {@link dev.sealer.Main} before picocli. */
@Command(name = "sealer", mixinStandardHelpOptions = true, version = "sealer 0.1.0",
        description = "Central sealing authority: dual-signed (Ed25519 + ML-DSA) receipts for ML artifact digests.",
        subcommands = {SealerCli.Serve.class, VerifyCommand.class, VerifyEvidenceCommand.class, EvidenceCommand.class, SweepCommand.class,
                CeremonyCommand.class, ModelCommand.class, ExportCommand.class, InspectCommand.class, SigstoreTrustCommand.class})
public final class SealerCli implements Runnable {

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with Sealer's exit codes: usage errors exit 1 (2 means "invalid seal"). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SealerCli());
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("sealer: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return VerifyCommand.ERROR;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("sealer: " + ex.getMessage());
            return VerifyCommand.ERROR;
        });
        return cl;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "serve", description = {
            "Start the gRPC service (the default when no command is given).",
            "The embedded default (SoftHSM2 token + embedded PostgreSQL under ./work) is started by ./sealer run, not by this jar."})
    static final class Serve implements Runnable {
        @Override
        public void run() {
            // reached only through `sealer help serve`-style parsing; Main starts the server itself
        }
    }
}
