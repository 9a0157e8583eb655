package dev.sealer.cli;

import dev.sealer.core.error.SealerException;
import dev.sealer.core.format.Dsse;
import dev.sealer.core.format.ModelSignature;
import dev.sealer.core.format.SealAttestation;
import dev.sealer.core.format.SigstoreBundle;
import dev.sealer.core.json.Json;
import dev.sealer.core.verify.SealVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code sealer verify --model-sig [--model DIR]} and {@code --dsse}: the formats of docs/formats.md checked offline. Exit codes as
 * for a seal: 0 valid (and every file as sealed), 2 invalid (each changed, added or removed file named), 1 usage or I/O error.
 */
final class FormatVerification {
    private FormatVerification() {
    }

    static int modelSig(Path file, Path model, Path trustBundle, Path pinnedRoot, PrintWriter out, PrintWriter err) {
        SigstoreBundle bundle;
        try {
            bundle = SigstoreBundle.parse(Files.readString(file));
        } catch (SealerException e) {
            out.println("INVALID " + e.reason() + ": " + e.getMessage());
            return VerifyCommand.INVALID;
        } catch (IOException e) {
            err.println("sealer verify: cannot read " + file + ": " + e.getMessage());
            return VerifyCommand.ERROR;
        }
        SealVerifier verifier = verifier(trustBundle, pinnedRoot, err);
        if (verifier == null) {
            return VerifyCommand.ERROR;
        }
        ModelSignature.Checked checked = ModelSignature.verify(bundle, verifier);
        if (!checked.verdict().valid()) {
            out.println("INVALID " + checked.verdict().reason() + ": " + checked.verdict().detail());
            return VerifyCommand.INVALID;
        }
        if (model == null) {
            out.println("VALID: " + checked.verdict().detail() + " (model files not checked: give --model DIR)");
            return VerifyCommand.VALID;
        }
        ModelDirectory.Comparison c;
        try {
            c = ModelDirectory.compare(checked.statement(), model);
        } catch (IOException | RuntimeException e) {
            err.println("sealer verify: cannot hash " + model + ": " + e.getMessage());
            return VerifyCommand.ERROR;
        }
        if (c.matches()) {
            out.println("VALID: " + checked.verdict().detail() + "; all " + checked.statement().resources().size() + " files match");
            return VerifyCommand.VALID;
        }
        c.changed().forEach(n -> out.println("changed: " + n));
        c.added().forEach(n -> out.println("added: " + n));
        c.removed().forEach(n -> out.println("removed: " + n));
        out.println("INVALID ANCHOR_MISMATCH: the model directory is not the sealed model: " + c.changed().size() + " changed, " + c.added().size()
                + " added, " + c.removed().size() + " removed (the signature and the seal are valid)");
        return VerifyCommand.INVALID;
    }

    static int dsse(Path file, Path trustBundle, Path pinnedRoot, PrintWriter out, PrintWriter err) {
        Dsse.Envelope env;
        try {
            env = Dsse.Envelope.fromJsonValue(Json.parseObject(Files.readString(file)));
        } catch (RuntimeException e) {
            out.println("INVALID MALFORMED_BUNDLE: " + e.getMessage());
            return VerifyCommand.INVALID;
        } catch (IOException e) {
            err.println("sealer verify: cannot read " + file + ": " + e.getMessage());
            return VerifyCommand.ERROR;
        }
        SealVerifier verifier = verifier(trustBundle, pinnedRoot, err);
        if (verifier == null) {
            return VerifyCommand.ERROR;
        }
        SealAttestation.Checked checked = SealAttestation.verify(env, verifier);
        if (!checked.verdict().valid()) {
            out.println("INVALID " + checked.verdict().reason() + ": " + checked.verdict().detail());
            return VerifyCommand.INVALID;
        }
        out.println("VALID: " + checked.verdict().detail() + (checked.parentSealIds().isEmpty() ? "" : "; parents " + String.join(", ", checked.parentSealIds())));
        return VerifyCommand.VALID;
    }

    private static SealVerifier verifier(Path trustBundle, Path pinnedRoot, PrintWriter err) {
        try {
            return VerifyCommand.verifier(trustBundle, pinnedRoot);
        } catch (IOException | RuntimeException e) {
            err.println("sealer verify: cannot use trust bundle " + trustBundle + (pinnedRoot == null ? "" : " / pinned root " + pinnedRoot) + ": " + e.getMessage());
            return null;
        }
    }
}
