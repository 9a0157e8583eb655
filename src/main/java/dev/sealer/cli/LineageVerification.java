package dev.sealer.cli;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.lineage.LineageFile;
import dev.sealer.core.lineage.LineageVerifier;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code sealer verify --lineage}: a meta-seal's lineage file checked offline with {@link LineageVerifier}, one line per node
 * and the lineage's verdict last. Exit codes as for a seal: 0 valid, 2 invalid, 1 usage or I/O error.
 */
final class LineageVerification {
    private LineageVerification() {
    }

    static int run(Path lineage, Path trustBundle, Path pinnedRoot, Map<String, Path> artifactFiles, PrintWriter out, PrintWriter err) {
        LineageFile file;
        try {
            byte[] bytes = Files.readAllBytes(lineage);
            file = LineageFile.parse(bytes);
        } catch (SealerException e) {
            out.println("INVALID " + e.reason() + ": " + e.getMessage());
            return VerifyCommand.INVALID;
        } catch (IOException e) {
            err.println("sealer verify: cannot read " + lineage + ": " + e.getMessage());
            return VerifyCommand.ERROR;
        }
        SealVerifier verifier;
        try {
            verifier = VerifyCommand.verifier(trustBundle, pinnedRoot);
        } catch (IOException | RuntimeException e) {
            err.println("sealer verify: cannot use trust bundle " + trustBundle + (pinnedRoot == null ? "" : " / pinned root " + pinnedRoot) + ": " + e.getMessage());
            return VerifyCommand.ERROR;
        }
        Map<UUID, Digest> artifacts = new HashMap<>();
        for (Map.Entry<String, Path> a : artifactFiles.entrySet()) {
            UUID id;
            try {
                id = SealLimits.sealId(a.getKey(), Reason.INVALID_ARGUMENT);
            } catch (SealerException e) {
                err.println("sealer verify: --artifact " + e.getMessage());
                return VerifyCommand.ERROR;
            }
            SealBundle bundle = file.seals().stream().filter(b -> b.receipt().sealId().equals(id)).findFirst().orElse(null);
            if (bundle == null) {
                err.println("sealer verify: --artifact names seal " + id + ", which the lineage file does not carry");
                return VerifyCommand.ERROR;
            }
            try (InputStream in = Files.newInputStream(a.getValue())) {
                MessageDigest md = MessageDigest.getInstance(bundle.receipt().digest().algorithm().jcaName());
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
                artifacts.put(id, new Digest(bundle.receipt().digest().algorithm(), md.digest()));
            } catch (IOException e) {
                err.println("sealer verify: cannot read artifact " + a.getValue() + ": " + e.getMessage());
                return VerifyCommand.ERROR;
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        LineageVerifier.Report report = new LineageVerifier(verifier).verify(file, artifacts);
        for (LineageVerifier.NodeVerdict n : report.nodes()) {
            out.println("  " + line(n.verdict()) + "  " + n.role() + " " + n.sealId() + (n.stage() == null ? "" : " " + n.stage().id()) + ": " + n.verdict().detail());
        }
        out.println(report.valid() ? "VALID: " + report.verdict().detail() : "INVALID " + report.verdict().reason() + ": " + report.verdict().detail());
        return report.valid() ? VerifyCommand.VALID : VerifyCommand.INVALID;
    }

    private static String line(Verdict v) {
        return v.valid() ? "VALID" : "INVALID " + v.reason();
    }
}
