package dev.sealer.cli;

import dev.sealer.store.IntegritySweep;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sealer sweep}: the integrity sweep straight against the database, without the service. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Recompute receipt leaf hashes, log nodes and checkpoint roots from the database and report every mismatch.",
                "Exit codes: 0 clean, 2 mismatches found (each printed with ANCHOR_MISMATCH and the seal id), 1 usage or connection error."})
public final class SweepCommand implements Callable<Integer> {
    @Option(names = "--db-url", required = true, defaultValue = "${env:SEALER_DB_URL}", description = "JDBC URL (default: $SEALER_DB_URL)")
    String url;

    @Option(names = "--db-user", defaultValue = "${env:SEALER_DB_USER}", description = "database user (default: $SEALER_DB_USER)")
    String user;

    @Option(names = "--db-password-env", defaultValue = "SEALER_DB_PASSWORD", description = "environment variable holding the password")
    String passwordEnv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Connection c = DriverManager.getConnection(url, user, System.getenv(passwordEnv))) {
            IntegritySweep.Report r = IntegritySweep.run(c);
            for (IntegritySweep.Finding f : r.findings()) {
                out.println(f.reason() + " seal=" + (f.sealId() == null ? "-" : f.sealId()) + " leaf=" + f.leafIndex() + " " + f.detail());
            }
            out.println((r.clean() ? "clean" : r.findings().size() + " mismatch(es)") + ": " + r.receiptsChecked() + " receipts, "
                    + r.nodesChecked() + " internal nodes, " + r.checkpointsChecked() + " checkpoints checked");
            return r.clean() ? 0 : 2;
        } catch (Exception e) {
            spec.commandLine().getErr().println("sealer sweep: " + e.getMessage());
            return 1;
        }
    }
}
