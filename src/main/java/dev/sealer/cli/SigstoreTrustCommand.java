package dev.sealer.cli;

import dev.sealer.core.format.SigstoreTrust;
import dev.sealer.core.suite.TrustBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sealer sigstore-trust}: the trust bundle in Sigstore's terms, for Sigstore verifiers of a model.sig (docs/formats.md §4). */
@Command(name = "sigstore-trust", mixinStandardHelpOptions = true, description = {"Write the trust bundle as Sigstore trust material: DIR/trusted_root.json",
        "(a TrustedRoot with the bundle's time-stamping authorities, nothing of Sigstore's public instance) and DIR/public_keys.json",
        "(each certified suite's Ed25519 key by key hint, as protobuf-specs PublicKey). Exit codes: 0 written, 1 error."})
public final class SigstoreTrustCommand implements Callable<Integer> {
    @Option(names = "--trust-bundle", required = true, paramLabel = "FILE", description = "trust bundle JSON (GetTrustBundle)")
    Path trustBundle;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory to write trusted_root.json and public_keys.json into")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrustBundle trust = TrustBundle.parse(Files.readString(trustBundle));
        Files.createDirectories(out);
        Files.writeString(out.resolve("trusted_root.json"), SigstoreTrust.trustedRootJson(trust));
        Files.writeString(out.resolve("public_keys.json"), SigstoreTrust.publicKeysJson(trust));
        spec.commandLine().getOut().println("wrote " + out.resolve("trusted_root.json") + " (" + trust.timestampAuthorities().size()
                + " time-stamping authorities) and " + out.resolve("public_keys.json") + " (" + SigstoreTrust.publicKeys(trust).size() + " suite keys)");
        return 0;
    }
}
