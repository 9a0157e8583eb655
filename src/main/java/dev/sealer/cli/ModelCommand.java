package dev.sealer.cli;

import com.google.protobuf.ByteString;
import dev.sealer.core.format.OmsStatement;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.grpc.v1.FormatServiceGrpc;
import dev.sealer.grpc.v1.SealModelRequest;
import dev.sealer.grpc.v1.SealModelResponse;
import dev.sealer.grpc.v1.Stage;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sealer model}: hash a model directory as OMS v1.0 does, and seal it into an OMS model.sig (docs/formats.md §2). */
@Command(name = "model", mixinStandardHelpOptions = true, description = {"OpenSSF model-signing (OMS v1.0): hash a model directory, or seal it",
        "on a running Sealer into a model.sig (a Sigstore bundle). Verify with `sealer verify --model-sig FILE --model DIR`."},
        subcommands = {ModelCommand.Hash.class, ModelCommand.Seal.class})
public final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The hashing options shared by both subcommands. */
    static final class Hashing {
        @Parameters(index = "0", paramLabel = "DIR", description = "the model directory")
        Path dir;

        @Option(names = "--ignore", paramLabel = "PATH", description = "also ignore this path, relative to DIR (repeatable; .git, .gitattributes, "
                + ".github, .gitignore and the signature file are always ignored)")
        List<String> ignore = new ArrayList<>();

        @Option(names = "--allow-symlinks", description = "hash the target of a symbolic link to a file (default: a link is an error)")
        boolean allowSymlinks;

        OmsStatement statement(Path signature) throws IOException {
            List<String> all = new ArrayList<>(ignore);
            Path abs = dir.toAbsolutePath().normalize();
            Path sig = signature.toAbsolutePath().normalize();
            if (sig.startsWith(abs) && !sig.equals(abs)) {
                all.add(abs.relativize(sig).toString().replace('\\', '/'));
            }
            return ModelDirectory.hash(dir, all, allowSymlinks);
        }
    }

    @Command(name = "hash", mixinStandardHelpOptions = true, description = {"Print the OMS v1.0 statement of a model directory (Sealer canonical JSON):",
            "per-file SHA-256, sorted by path components, the model digest over them. Exit codes: 0 printed, 1 error."})
    static final class Hash implements Callable<Integer> {
        @Mixin
        Hashing hashing;

        @Option(names = "--signature", paramLabel = "FILE", description = "the signature file to leave out (default: DIR/model.sig)")
        Path signature;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                OmsStatement s = hashing.statement(signature == null ? hashing.dir.resolve("model.sig") : signature);
                spec.commandLine().getOut().println(new String(s.canonicalBytes(), StandardCharsets.US_ASCII));
                return 0;
            } catch (IOException | RuntimeException e) {
                spec.commandLine().getErr().println("sealer model hash: " + e.getMessage());
                return VerifyCommand.ERROR;
            }
        }
    }

    @Command(name = "seal", mixinStandardHelpOptions = true, description = {"Hash a model directory and seal its OMS statement (FormatService.SealModel,",
            "sealer role); writes the model.sig the service answers. Exit codes: 0 sealed, 1 refused, unreachable or I/O error."})
    static final class Seal implements Callable<Integer> {
        @Mixin
        Hashing hashing;

        @Mixin
        ServerConnection connection;

        @Option(names = "--signature", paramLabel = "FILE", description = "where to write model.sig (default: DIR/model.sig)")
        Path signature;

        @Option(names = "--stage", defaultValue = "TRAINING", paramLabel = "STAGE", description = "lifecycle stage (default: ${DEFAULT-VALUE})")
        String stage;

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label (repeatable)")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(names = "--parent", paramLabel = "SEAL_ID", description = "a seal this model depends on (repeatable)")
        List<String> parents = new ArrayList<>();

        @Option(names = "--request-id", paramLabel = "ID", description = "idempotency key (default: a new one; repeat it to retry safely)")
        String requestId;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path target = signature == null ? hashing.dir.resolve("model.sig") : signature;
            OmsStatement statement;
            try {
                statement = hashing.statement(target);
            } catch (IOException | RuntimeException e) {
                err.println("sealer model seal: " + e.getMessage());
                return VerifyCommand.ERROR;
            }
            SealModelRequest.Builder req = SealModelRequest.newBuilder().setRequestId(requestId != null ? requestId : "model-" + UUID.randomUUID())
                    .setStatement(ByteString.copyFrom(CanonicalJson.write(statement.toJsonValue())))
                    .setStage(Stage.valueOf(stage.toUpperCase(Locale.ROOT).replace('-', '_'))).putAllLabels(labels).addAllParentSealIds(parents);
            ManagedChannel channel = connection.channel();
            try {
                SealModelResponse r = FormatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).sealModel(req.build());
                Files.writeString(target, r.getModelSigJson());
                out.println("sealed " + statement.modelName() + " (" + statement.resources().size() + " files) as " + r.getSeal().getSeal().getSealId()
                        + " at leaf " + r.getSeal().getSeal().getLeafIndex() + (r.getSeal().getReplayed() ? " (replayed)" : "") + "; model.sig written to " + target);
                return 0;
            } catch (StatusRuntimeException e) {
                err.println("sealer model seal: " + ServerConnection.describe(e));
                return VerifyCommand.ERROR;
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
