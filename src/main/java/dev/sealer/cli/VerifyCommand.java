package dev.sealer.cli;

import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sealer verify}: checks a seal bundle offline, from the trust bundle and the artifact alone. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify a seal offline: no server, no database; only the seal bundle, the pinned trust bundle and the artifact.",
                "Exit codes: 0 valid, 2 invalid (the reason code is printed), 1 usage or I/O error."})
public final class VerifyCommand implements Callable<Integer> {
    public static final int VALID = 0;
    public static final int INVALID = 2;
    public static final int ERROR = 1;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--seal", required = true, paramLabel = "FILE", description = "seal bundle JSON (seal_bundle_json of the Seal response)")
        Path seal;

        @Option(names = "--model-sig", required = true, paramLabel = "FILE",
                description = {"an OMS model.sig made by Sealer (FormatService.SealModel): its DSSE signature, statement and Sealer seal;",
                        "with --model DIR also every file, each changed, added or removed one named (docs/formats.md)"})
        Path modelSig;

        @Option(names = "--dsse", required = true, paramLabel = "FILE",
                description = "a seal exported as an in-toto Statement in DSSE (GetSeal export IN_TOTO_DSSE, `sealer export`): both signatures and the seal")
        Path dsse;

        @Option(names = "--lineage", required = true, paramLabel = "FILE",
                description = {"lineage file of a meta-seal (LineageService.GetLineageFile): the meta-seal, its manifest and every seal it binds",
                        "are verified, the graph and the policy re-checked; one line per node"})
        Path lineage;
    }

    @Option(names = "--model", paramLabel = "DIR", description = "with --model-sig: the model directory, re-hashed as the statement says")
    Path model;

    @Option(names = "--artifact", paramLabel = "SEAL_ID=FILE", description = "with --lineage: check this seal against the artifact file (repeatable)")
    java.util.Map<String, Path> artifacts = new java.util.LinkedHashMap<>();

    @Option(names = "--trust-bundle", required = true, paramLabel = "FILE", description = "trust bundle JSON (GetTrustBundle)")
    Path trustBundle;

    @Option(names = "--pinned-root", paramLabel = "FILE",
            description = {"a trust bundle whose root keys you pinned earlier (default: the root keys of --trust-bundle). After a root rollover,",
                    "a newer --trust-bundle is accepted when its root_chain cross-certifies its root from these keys."})
    Path pinnedRoot;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Artifact artifact;

    static final class Artifact {
        @Option(names = "--file", paramLabel = "FILE", description = "the artifact itself; hashed with the sealed digest algorithm")
        Path file;

        @Option(names = "--digest", paramLabel = "ALG:HEX", description = "the artifact digest, e.g. sha-256:9f86d0...")
        String digest;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (target.lineage != null) {
            return LineageVerification.run(target.lineage, trustBundle, pinnedRoot, artifacts, out, err);
        }
        if (model != null && target.modelSig == null) {
            err.println("sealer verify: --model goes with --model-sig");
            return ERROR;
        }
        if (target.modelSig != null) {
            return FormatVerification.modelSig(target.modelSig, model, trustBundle, pinnedRoot, out, err);
        }
        if (target.dsse != null) {
            return FormatVerification.dsse(target.dsse, trustBundle, pinnedRoot, out, err);
        }
        if (!artifacts.isEmpty()) {
            err.println("sealer verify: --artifact goes with --lineage; for a seal use --file or --digest");
            return ERROR;
        }
        Path seal = target.seal;
        SealBundle bundle;
        TrustBundle trust;
        try {
            bundle = SealBundle.parse(Files.readString(seal));
        } catch (SealerException e) {
            out.println("INVALID " + e.reason() + ": " + e.getMessage());
            return INVALID;
        } catch (IOException e) {
            err.println("sealer verify: cannot read " + seal + ": " + e.getMessage());
            return ERROR;
        }
        try {
            trust = TrustBundle.parse(Files.readString(trustBundle));
        } catch (IOException | RuntimeException e) {
            err.println("sealer verify: cannot use trust bundle " + trustBundle + ": " + e.getMessage());
            return ERROR;
        }
        Optional<Digest> expected;
        try {
            expected = artifactDigest(bundle.receipt().digest().algorithm());
        } catch (IOException e) {
            err.println("sealer verify: cannot read artifact " + artifact.file + ": " + e.getMessage());
            return ERROR;
        } catch (SealerException | IllegalArgumentException e) {
            err.println("sealer verify: " + e.getMessage());
            return ERROR;
        }
        SealVerifier verifier;
        try {
            verifier = pinnedRoot == null ? new SealVerifier(trust) : new SealVerifier(trust, TrustBundle.parse(Files.readString(pinnedRoot)).root());
        } catch (IOException | RuntimeException e) {
            err.println("sealer verify: cannot use the pinned root " + pinnedRoot + ": " + e.getMessage());
            return ERROR;
        }
        Verdict verdict = verifier.verify(bundle, expected);
        if (verdict.valid()) {
            out.println("VALID: " + verdict.detail());
            return VALID;
        }
        out.println("INVALID " + verdict.reason() + ": " + verdict.detail());
        return INVALID;
    }

    /** The verifier of a trust bundle file, anchored in {@code pinnedRoot}'s root keys when given (else the bundle's own). */
    static SealVerifier verifier(Path trustBundle, Path pinnedRoot) throws IOException {
        TrustBundle trust = TrustBundle.parse(Files.readString(trustBundle));
        return pinnedRoot == null ? new SealVerifier(trust) : new SealVerifier(trust, TrustBundle.parse(Files.readString(pinnedRoot)).root());
    }

    private Optional<Digest> artifactDigest(DigestAlgorithm sealed) throws IOException {
        if (artifact == null) {
            return Optional.empty();
        }
        if (artifact.digest != null) {
            int colon = artifact.digest.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("--digest must be ALG:HEX, e.g. sha-256:<64 hex digits>");
            }
            return Optional.of(Digest.ofHex(DigestAlgorithm.fromId(artifact.digest.substring(0, colon)), artifact.digest.substring(colon + 1)));
        }
        try (InputStream in = Files.newInputStream(artifact.file)) {
            MessageDigest md = MessageDigest.getInstance(sealed.jcaName());
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return Optional.of(new Digest(sealed, md.digest()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
