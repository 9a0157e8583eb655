package dev.sealer.cli;

import dev.sealer.core.ceremony.CeremonyConfig;
import dev.sealer.core.ceremony.CeremonyPlan;
import dev.sealer.core.ceremony.Custody;
import dev.sealer.core.ceremony.Transcript;
import dev.sealer.core.json.Json;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.SuiteKeys;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.app.suite.RootAttestation;
import dev.sealer.hsm.HsmConfig;
import dev.sealer.hsm.Pkcs11Hsm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sealer ceremony}: key ceremonies, custody, token backup and restore (docs/runbooks.md). */
@Command(name = "ceremony", mixinStandardHelpOptions = true,
        description = {"Key ceremonies driven by one ceremony file (sealer-ceremony/v1 JSON), and the token's custody, backup and restore.",
                "Exit codes: 0 done / checks pass, 2 a check failed or the ceremony refused, 1 usage or I/O error."},
        subcommands = {CeremonyCommand.Run.class, CeremonyCommand.Verify.class, CeremonyCommand.CheckToken.class, CeremonyCommand.PinFile.class,
                CeremonyCommand.Backup.class, CeremonyCommand.Restore.class})
public final class CeremonyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static List<String> readShares(List<Path> files) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path f : files) {
            for (String l : Files.readAllLines(f)) {
                String s = l.strip();
                int colon = s.indexOf(": " + Custody.SHARE_PREFIX);
                if (colon >= 0) {
                    s = s.substring(colon + 2); // "custodian: share" as printed
                }
                if (s.startsWith(Custody.SHARE_PREFIX)) {
                    lines.add(s);
                }
            }
        }
        return lines;
    }

    static int fail(CommandSpec spec, String what, Exception e) {
        spec.commandLine().getErr().println("sealer ceremony " + what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return e instanceof IOException ? 1 : 2;
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = {"Perform the ceremony a ceremony file describes, step by step, against the PKCS#11 token.",
            "new-root: initialises the token, splits its PINs M-of-N and prints each custodian's share once, creates the root keys,",
            "certifies the first suite, writes the trust bundle and the signed transcript.",
            "root-rollover: needs M custody shares (--share-file), creates the new root, cross-certifies it with the old one,",
            "writes the new trust bundle (carrying the chain) and the signed transcript."})
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CONFIG", description = "the ceremony file (JSON)")
        Path config;

        @Option(names = "--dry-run", description = "print the plan and change nothing")
        boolean dryRun;

        @Option(names = "--share-file", paramLabel = "FILE", description = "a file holding one custodian's share line (repeat; root-rollover)")
        List<Path> shareFiles = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            CeremonyConfig c;
            try {
                c = CeremonyConfig.parse(Files.readString(config));
            } catch (IOException e) {
                return fail(spec, "run", e);
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("sealer ceremony run: " + config + ": " + e.getMessage());
                return 1;
            }
            CeremonyPlan plan = CeremonyPlan.of(c);
            out.print(plan.describe());
            if (dryRun) {
                out.println("dry run: nothing was done");
                return 0;
            }
            out.println();
            Path base = config.toAbsolutePath().getParent();
            CeremonyRunner runner = new CeremonyRunner(c, base, out, Clock.systemUTC());
            try {
                if (c.kind() == CeremonyConfig.Kind.NEW_ROOT) {
                    if (!shareFiles.isEmpty()) {
                        throw new IllegalArgumentException("a new-root ceremony makes new shares; --share-file is for root-rollover");
                    }
                    runner.runNewRoot();
                } else {
                    runner.runRollover(readShares(shareFiles));
                }
                out.println("ceremony " + c.ceremonyId() + " complete");
                return 0;
            } catch (IOException e) {
                return fail(spec, "run", e);
            } catch (RuntimeException e) {
                return fail(spec, "run", e);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = {"Check a signed ceremony transcript against a trust bundle.",
            "Both root signatures, that the bundle trusts the transcript's root, the authority, the bundle's SHA-256,",
            "and (with --config) that every planned step is recorded in order."})
    static final class Verify implements Callable<Integer> {
        @Option(names = "--transcript", required = true, paramLabel = "FILE")
        Path transcript;

        @Option(names = "--trust-bundle", required = true, paramLabel = "FILE")
        Path trustBundle;

        @Option(names = "--config", paramLabel = "FILE", description = "the ceremony file: also check the recorded steps are exactly its plan")
        Path config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                byte[] bundleBytes = Files.readAllBytes(trustBundle);
                TrustBundle b = TrustBundle.parse(new String(bundleBytes, StandardCharsets.UTF_8));
                Transcript t = Transcript.parse(Files.readString(transcript));
                List<String> planned = config == null ? null : CeremonyPlan.of(CeremonyConfig.parse(Files.readString(config))).names();
                boolean all = true;
                out.println("transcript of ceremony " + t.ceremonyId() + " (" + Json.string(t.body(), "kind") + "), root " + t.rootId() + ", "
                        + t.steps().size() + " steps, " + Json.string(t.body(), "started_at") + " .. " + Json.string(t.body(), "finished_at"));
                for (Transcript.Check c : t.verify(b, bundleBytes, planned)) {
                    out.println((c.ok() ? "  ok      " : "  FAILED  ") + c.what());
                    all &= c.ok();
                }
                out.println(all ? "VALID" : "INVALID");
                return all ? 0 : 2;
            } catch (IOException e) {
                return fail(spec, "verify", e);
            } catch (RuntimeException e) {
                out.println("INVALID: " + e.getMessage());
                return 2;
            }
        }
    }

    /** Token options shared by the commands that log in. */
    static class TokenOptions {
        @Option(names = "--hsm-library", defaultValue = "/usr/lib/softhsm/libsofthsm2.so", description = "PKCS#11 library (default: ${DEFAULT-VALUE})")
        String library;

        @Option(names = "--token-label", required = true)
        String tokenLabel;

        @Option(names = "--transcript", required = true, paramLabel = "FILE", description = "the transcript of the ceremony that made the current root")
        Path transcript;

        @Option(names = "--share-file", paramLabel = "FILE", description = "a custodian's share line (repeat; at least M)")
        List<Path> shareFiles = new ArrayList<>();

        @Option(names = "--pin-file", paramLabel = "FILE", description = "the user PIN instead of shares (e.g. the service's, written by pin-file)")
        Path pinFile;

        char[] pin(Transcript t) throws IOException {
            if (pinFile != null) {
                return HsmConfig.resolvePin(java.util.Optional.empty(), java.util.Optional.of(pinFile));
            }
            Map<String, Object> custody = t.custody();
            try (Custody.Pins pins = Custody.combine(Json.string(custody, "ceremony"), Json.string(custody, "commitment"), readShares(shareFiles))) {
                return pins.user().clone();
            }
        }
    }

    @Command(name = "check-token", mixinStandardHelpOptions = true, description = {"Prove a token holds this authority's root (after a restore, a move, a new host).",
            "The root attestation keys and every suite's operational public keys, derived from the token, must equal the trust bundle's."})
    static final class CheckToken implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        TokenOptions token = new TokenOptions();

        @Option(names = "--trust-bundle", required = true, paramLabel = "FILE", description = "the bundle to compare with (GetTrustBundle or a ceremony's)")
        Path trustBundle;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                TrustBundle b = TrustBundle.parse(Files.readString(trustBundle));
                Transcript t = Transcript.parse(Files.readString(token.transcript));
                Map<String, Object> hsm = Json.object(t.body(), "hsm");
                char[] pin = token.pin(t);
                boolean all = true;
                try (Pkcs11Hsm h = Pkcs11Hsm.open(new HsmConfig(token.library, token.tokenLabel, pin, Json.string(hsm, "derivation_secret_label"),
                        Json.string(hsm, "attestation_key_label")))) {
                    Arrays.fill(pin, '\0');
                    RootAttestation root = new RootAttestation(h, t.rootId());
                    boolean rootOk = root.publicKeys().sameAs(b.root());
                    all &= rootOk;
                    out.println((rootOk ? "  ok      " : "  FAILED  ") + "root " + t.rootId() + ": ecdsa-p256 " + root.publicKeys().ecdsaFingerprint().substring(0, 16)
                            + "..., " + root.publicKeys().mlDsaAlgorithm().id() + " " + root.publicKeys().mlDsaFingerprint().substring(0, 16) + "...");
                    for (SuiteCertificate s : b.suites()) {
                        try (SuiteKeys keys = SuiteKeys.operational(h.rootKey(), s.suiteId(), s.pqAlgorithm())) {
                            boolean ok = Arrays.equals(keys.ed25519PublicKey(), s.ed25519PublicKey()) && Arrays.equals(keys.mlDsaPublicKey(), s.pqPublicKey());
                            all &= ok;
                            out.println((ok ? "  ok      " : "  FAILED  ") + "suite " + s.suiteId() + ": derived ed25519 + " + s.pqAlgorithm().id()
                                    + " public keys " + (ok ? "equal" : "differ from") + " its certificate");
                        }
                    }
                }
                out.println(all ? "token holds this authority's root: " + b.suites().size() + " suite(s) derive their certified keys" : "MISMATCH");
                return all ? 0 : 2;
            } catch (IOException e) {
                return fail(spec, "check-token", e);
            } catch (RuntimeException e) {
                return fail(spec, "check-token", e);
            }
        }
    }

    @Command(name = "pin-file", mixinStandardHelpOptions = true, description = {"Write the token's user PIN, rebuilt from M custody shares, for the service.",
            "The new file (mode 0600) is what sealer.hsm.pin-file names. Refuses with fewer than M shares."})
    static final class PinFile implements Callable<Integer> {
        @Option(names = "--transcript", required = true, paramLabel = "FILE")
        Path transcript;

        @Option(names = "--share-file", paramLabel = "FILE", description = "a custodian's share line (repeat; at least M)")
        List<Path> shareFiles = new ArrayList<>();

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path outFile;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                Transcript t = Transcript.parse(Files.readString(transcript));
                Map<String, Object> custody = t.custody();
                try (Custody.Pins pins = Custody.combine(Json.string(custody, "ceremony"), Json.string(custody, "commitment"), readShares(shareFiles))) {
                    Files.createFile(outFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    byte[] bytes = new String(pins.user()).getBytes(StandardCharsets.US_ASCII);
                    Files.write(outFile, bytes, StandardOpenOption.TRUNCATE_EXISTING);
                    Arrays.fill(bytes, (byte) 0);
                }
                spec.commandLine().getOut().println("user PIN of token (ceremony " + Json.string(custody, "ceremony") + ") written to " + outFile + " (0600)");
                return 0;
            } catch (IOException e) {
                return fail(spec, "pin-file", e);
            } catch (RuntimeException e) {
                return fail(spec, "pin-file", e);
            }
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true, description = {"Back up a SoftHSM2 token store into a new directory, with a sha256sum manifest.",
            "Every file under directories.tokendir of the SoftHSM2 configuration is copied. The objects stay encrypted under the token's PINs;",
            "the keys are non-extractable, so a wrapped export (C_WrapKey) is refused by the HSM (docs/runbooks.md)."})
    static final class Backup implements Callable<Integer> {
        @Option(names = "--softhsm-conf", required = true, paramLabel = "FILE", description = "the SoftHSM2 configuration naming the token directory")
        Path conf;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "a new directory for the backup")
        Path outDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                Path tokens = TokenFiles.tokenDir(conf);
                if (Files.exists(outDir)) {
                    throw new IOException(outDir + " already exists; a backup goes into a new directory");
                }
                List<String> manifest = TokenFiles.copyTree(tokens, outDir.resolve("tokens"));
                Files.write(outDir.resolve("MANIFEST.sha256"), manifest);
                spec.commandLine().getOut().println("backed up " + manifest.size() + " token files from " + tokens + " to " + outDir
                        + " (manifest MANIFEST.sha256, sha256sum format)");
                return 0;
            } catch (IOException e) {
                return fail(spec, "backup", e);
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = {"Restore a token backup into a fresh directory.",
            "Every file is checked against the manifest, the token store copied and DIR/softhsm2.conf written pointing at it. Then run check-token."})
    static final class Restore implements Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "DIR", description = "a directory written by backup")
        Path from;

        @Option(names = "--into", required = true, paramLabel = "DIR", description = "a new directory (or an empty one)")
        Path into;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                List<String> manifest = Files.readAllLines(from.resolve("MANIFEST.sha256"));
                List<String> bad = TokenFiles.check(from, manifest);
                if (!bad.isEmpty()) {
                    spec.commandLine().getErr().println("sealer ceremony restore: the backup does not match its manifest: " + String.join(", ", bad));
                    return 2;
                }
                if (Files.exists(into)) {
                    try (Stream<Path> s = Files.list(into)) {
                        if (s.findAny().isPresent()) {
                            throw new IOException(into + " is not empty; restore into a fresh directory");
                        }
                    }
                }
                Path tokens = into.toAbsolutePath().resolve("tokens");
                TokenFiles.copyTree(from.resolve("tokens"), tokens);
                Path conf = into.toAbsolutePath().resolve("softhsm2.conf");
                Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
                spec.commandLine().getOut().println("restored " + manifest.size() + " token files into " + tokens + "; SOFTHSM2_CONF=" + conf);
                return 0;
            } catch (IOException e) {
                return fail(spec, "restore", e);
            }
        }
    }
}
