package dev.sealer.cli;

import dev.sealer.core.evidence.EvidenceVerifier;
import dev.sealer.core.suite.TrustBundle;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sealer verify-evidence}: checks an evidence package offline, from the pinned trust bundle alone. */
@Command(name = "verify-evidence", mixinStandardHelpOptions = true,
        description = {"Verify an evidence package offline (MaterializeEvidence): no server, no database; only the package and the pinned trust bundle.",
                "Prints the package verdict, then one line per seal. Exit codes: 0 when the package and every seal in it hold,",
                "2 when anything is invalid or the package is incomplete (the reason code is printed), 1 usage or I/O error."})
public final class VerifyEvidenceCommand implements Callable<Integer> {
    @Option(names = "--trust-bundle", required = true, paramLabel = "FILE", description = "trust bundle JSON (GetTrustBundle)")
    Path trustBundle;

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "evidence package file (package_json of MaterializeEvidence)")
    Path evidence;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrustBundle trust;
        byte[] file;
        try {
            trust = TrustBundle.parse(Files.readString(trustBundle));
            file = Files.readAllBytes(evidence);
        } catch (Exception e) {
            err.println("sealer verify-evidence: " + e.getMessage());
            return VerifyCommand.ERROR;
        }
        EvidenceVerifier.Report r = EvidenceVerifier.verify(file, trust);
        out.println((r.packageVerdict().valid() ? "VALID" : "INVALID " + r.packageVerdict().reason()) + ": " + r.packageVerdict().detail());
        for (EvidenceVerifier.SealResult s : r.seals()) {
            out.println("  " + s.role() + " " + s.sealId() + ": " + (s.verdict().valid() ? "VALID" : "INVALID " + s.verdict().reason()) + ": "
                    + s.verdict().detail());
        }
        return r.allValid() ? VerifyCommand.VALID : VerifyCommand.INVALID;
    }
}
