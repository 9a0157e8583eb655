package dev.sealer.cli;

import dev.sealer.core.integrity.Finding;
import dev.sealer.core.integrity.IntegrityCheck;
import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.hsm.HsmConfig;
import dev.sealer.hsm.Pkcs11Hsm;
import dev.sealer.store.IntegritySweep;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sealer sweep}: the integrity sweep straight against the database, without the service.
 * It needs the HSM token (the row key is derived from the root inside it, as the service does)
 * and the pinned trust bundle (to check every signature and checkpoint note).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Check every stored row against this authority's keys: row authenticators (derived in the HSM), every signature of every",
                "SIGNED seal, the Merkle tree and every stored node, every checkpoint note and its fields, and the chained suite history.",
                "Exit codes: 0 clean, 2 findings (each printed as ANCHOR_MISMATCH table=... row=...: what is wrong), 1 usage or connection error."})
public final class SweepCommand implements Callable<Integer> {
    @Option(names = "--db-url", required = true, defaultValue = "${env:SEALER_DB_URL}", description = "JDBC URL (default: $SEALER_DB_URL)")
    String url;

    @Option(names = "--db-user", defaultValue = "${env:SEALER_DB_USER}", description = "database user (default: $SEALER_DB_USER); SELECT is enough")
    String user;

    @Option(names = "--db-password-env", defaultValue = "SEALER_DB_PASSWORD", description = "environment variable holding the password")
    String passwordEnv;

    @Option(names = "--trust-bundle", required = true, paramLabel = "FILE", description = "the pinned trust bundle JSON (GetTrustBundle)")
    Path trustBundle;

    @Option(names = "--hsm-library", defaultValue = "/usr/lib/softhsm/libsofthsm2.so", description = "PKCS#11 library (default: ${DEFAULT-VALUE})")
    String hsmLibrary;

    @Option(names = "--token-label", required = true, description = "HSM token label")
    String tokenLabel;

    @Option(names = "--pin-file", description = "file holding the token PIN (else $" + HsmConfig.PIN_ENV + ")")
    Path pinFile;

    @Option(names = "--root-key-label", defaultValue = "sealer-root", description = "label of the root derivation secret (default: ${DEFAULT-VALUE})")
    String rootKeyLabel;

    @Option(names = "--attestation-key-label", defaultValue = "sealer-attest-ec", description = "label of the attestation key (default: ${DEFAULT-VALUE})")
    String attestationKeyLabel;

    @Option(names = "--authority", defaultValue = "sealer", description = "the authority name (sealer.authority; default: ${DEFAULT-VALUE})")
    String authority;

    @Option(names = "--kept-checkpoint", paramLabel = "FILE",
            description = "a checkpoint note a client kept (repeatable): the database must still hold it and the same tree under it (rollback check)")
    java.util.List<Path> keptCheckpoints = new java.util.ArrayList<>();

    @Spec
    CommandSpec spec;

    /** The checkpoint in a kept note, its signatures checked against the certified suites of the trust bundle. */
    static dev.sealer.core.log.Checkpoint openKept(String note, TrustBundle trust) {
        RuntimeException last = null;
        for (SuiteCertificate s : trust.suites()) {
            if (!trust.certifies(s)) {
                continue;
            }
            try {
                return dev.sealer.core.log.Checkpoint.parse(dev.sealer.core.log.SignedNote.open(note, dev.sealer.core.log.CheckpointKeys.verifiers(s)));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalArgumentException("the kept checkpoint is not signed by a certified suite of the trust bundle"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            TrustBundle trust = TrustBundle.parse(Files.readString(trustBundle));
            char[] pin = HsmConfig.resolvePin(Optional.ofNullable(System.getenv(HsmConfig.PIN_ENV)), Optional.ofNullable(pinFile));
            try (Pkcs11Hsm hsm = Pkcs11Hsm.open(new HsmConfig(hsmLibrary, tokenLabel, pin, rootKeyLabel, attestationKeyLabel));
                    RowAuthenticator auth = RowAuthenticator.derive(hsm.rootKey(), authority);
                    Connection c = DriverManager.getConnection(url, user, passwordEnv == null ? null : System.getenv(passwordEnv))) {
                java.util.Arrays.fill(pin, '\0');
                // only suites whose certificates the pinned root keys signed
                IntegrityCheck check = new IntegrityCheck(auth, id -> trust.suite(id).filter(trust::certifies), authority + "/log");
                for (Path kept : keptCheckpoints) {
                    dev.sealer.core.log.Checkpoint cp = openKept(Files.readString(kept), trust);
                    check.expect(cp.size(), cp.rootHash(), "the kept checkpoint " + cp.size() + " (" + kept.getFileName() + ")");
                }
                check.withTimestampTrust(trust.timestampAuthorities(), trust.root().ecdsaP256());
                IntegrityCheck.Report r = IntegritySweep.run(c, check);
                for (Finding f : r.findings()) {
                    out.println(f);
                }
                out.println((r.clean() ? "clean" : r.findings().size() + " finding(s)") + ": " + r.receipts() + " receipts (" + r.signatures()
                        + " with signatures), " + r.nodes() + " log nodes, " + r.checkpoints() + " checkpoints, " + r.suiteEvents() + " suite events, "
                        + r.auditEvents() + " audit events, " + r.reseals() + " re-seals checked");
                return r.clean() ? 0 : 2;
            }
        } catch (Exception e) {
            spec.commandLine().getErr().println("sealer sweep: " + e.getMessage());
            return 1;
        }
    }
}
