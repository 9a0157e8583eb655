package dev.sealer.cli;

import com.google.protobuf.Timestamp;
import dev.sealer.grpc.v1.AuditServiceGrpc;
import dev.sealer.grpc.v1.EvidenceReason;
import dev.sealer.grpc.v1.MaterializeEvidenceRequest;
import dev.sealer.grpc.v1.MaterializeEvidenceResponse;
import dev.sealer.grpc.v1.TimeRange;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sealer evidence}: asks a running service for an evidence package (MaterializeEvidence, auditor role) and writes it to a file. */
@Command(name = "evidence", mixinStandardHelpOptions = true,
        description = {"Materialize an evidence package on a running Sealer (auditor role) and write it to a file;",
                "check it offline with `sealer verify-evidence`. Exit codes: 0 written, 1 refused or unreachable (the reason is printed)."})
public final class EvidenceCommand implements Callable<Integer> {
    @Mixin
    ServerConnection connection;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--seal-id", paramLabel = "UUID", description = "one seal")
        String sealId;

        @Option(names = "--request-id", paramLabel = "ID", description = "the seals of a request id")
        String requestId;

        @Option(names = "--subject", paramLabel = "TEXT", description = "the seals of a subject")
        String subject;

        @Option(names = "--signer", paramLabel = "DN", description = "the seals of a signer")
        String signer;

        @Option(names = "--committed", paramLabel = "FROM/TO", description = "seals committed in [FROM, TO), RFC 3339, e.g. 2026-12-01T00:00:00Z/2026-12-02T00:00:00Z")
        String committed;
    }

    @Option(names = "--reason", required = true, paramLabel = "WHY", description = "audit, regulator, incident or legal-hold (recorded in the audit trail)")
    String reason;

    @Option(names = "--lineage", description = "also the ancestors of each seal, each with its own proofs")
    boolean lineage;

    @Option(names = "--allow-partial", description = "accept a package marked incomplete instead of PARTIAL_EVIDENCE")
    boolean allowPartial;

    @Option(names = "--page-size", defaultValue = "100", paramLabel = "N", description = "seals per package for a query, 1..1000 (default: ${DEFAULT-VALUE})")
    int pageSize;

    @Option(names = "--page-token", defaultValue = "", paramLabel = "TOKEN", description = "the next_page_token of the previous package")
    String pageToken;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the package")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MaterializeEvidenceRequest.Builder q = MaterializeEvidenceRequest.newBuilder().setReason(reason(reason)).setIncludeLineage(lineage)
                .setAllowPartial(allowPartial).setPageSize(pageSize).setPageToken(pageToken);
        if (target.sealId != null) {
            q.setSealId(target.sealId);
        } else if (target.requestId != null) {
            q.setRequestId(target.requestId);
        } else if (target.subject != null) {
            q.setSubject(target.subject);
        } else if (target.signer != null) {
            q.setSigner(target.signer);
        } else {
            String[] range = target.committed.split("/", 2);
            if (range.length != 2) {
                throw new IllegalArgumentException("--committed must be FROM/TO");
            }
            q.setCommitted(TimeRange.newBuilder().setFrom(timestamp(range[0])).setTo(timestamp(range[1])));
        }
        ManagedChannel channel = connection.channel();
        try {
            MaterializeEvidenceResponse r = AuditServiceGrpc.newBlockingStub(channel).withMaxInboundMessageSize(dev.sealer.core.evidence.EvidencePackage.MAX_BYTES)
                    .withDeadlineAfter(5, TimeUnit.MINUTES).materializeEvidence(q.build());
            Files.write(out, r.getPackageJson().toByteArray());
            stdout.println("evidence package: " + r.getSealCount() + " seal(s), " + (r.getComplete() ? "complete" : "INCOMPLETE") + ", sha256 "
                    + HexFormat.of().formatHex(r.getPackageSha256().toByteArray()) + ", " + r.getPackageJson().size() + " bytes written to " + out
                    + (r.getNextPageToken().isEmpty() ? "" : "; next page: --page-token " + r.getNextPageToken()));
            return 0;
        } catch (StatusRuntimeException e) {
            err.println("sealer evidence: " + ServerConnection.describe(e));
            return 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static EvidenceReason reason(String r) {
        return switch (r) {
            case "audit" -> EvidenceReason.EVIDENCE_REASON_AUDIT;
            case "regulator" -> EvidenceReason.EVIDENCE_REASON_REGULATOR;
            case "incident" -> EvidenceReason.EVIDENCE_REASON_INCIDENT;
            case "legal-hold" -> EvidenceReason.EVIDENCE_REASON_LEGAL_HOLD;
            default -> throw new IllegalArgumentException("--reason must be audit, regulator, incident or legal-hold");
        };
    }

    private static Timestamp timestamp(String rfc3339) {
        Instant t = Instant.parse(rfc3339.trim());
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
