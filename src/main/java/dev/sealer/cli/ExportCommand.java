package dev.sealer.cli;

import dev.sealer.grpc.v1.ExportFormat;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sealer export}: a seal as an in-toto Statement in a dual-signed DSSE envelope (GetSeal, auditor role; docs/formats.md §3). */
@Command(name = "export", mixinStandardHelpOptions = true, description = {"Export a seal of a running Sealer as an in-toto Statement in a DSSE envelope",
        "dual-signed by the active suite (GetSeal with export IN_TOTO_DSSE, auditor role). Check it with `sealer verify --dsse FILE`.",
        "Exit codes: 0 written, 1 refused, unreachable or I/O error."})
public final class ExportCommand implements Callable<Integer> {
    @Mixin
    ServerConnection connection;

    @Option(names = "--seal-id", required = true, paramLabel = "UUID", description = "the seal")
    String sealId;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the DSSE envelope JSON")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ManagedChannel channel = connection.channel();
        try {
            SealRecord r = SealServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getSeal(GetSealRequest.newBuilder().setSealId(sealId).setExport(ExportFormat.IN_TOTO_DSSE).build());
            Files.writeString(out, r.getInTotoDsseJson());
            spec.commandLine().getOut().println("seal " + r.getSealId() + " exported as in-toto/DSSE (" + r.getInTotoDsseJson().length() + " bytes) to " + out);
            return 0;
        } catch (StatusRuntimeException e) {
            spec.commandLine().getErr().println("sealer export: " + ServerConnection.describe(e));
            return VerifyCommand.ERROR;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
