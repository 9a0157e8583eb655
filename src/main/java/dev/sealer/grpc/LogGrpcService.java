package dev.sealer.grpc;

import com.google.protobuf.ByteString;
import dev.sealer.app.log.TransparencyLog;
import dev.sealer.app.seal.SealQueries;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.core.time.Rfc3339;
import dev.sealer.grpc.v1.Anchor;
import dev.sealer.grpc.v1.Checkpoint;
import dev.sealer.grpc.v1.ConsistencyProof;
import dev.sealer.grpc.v1.GetCheckpointRequest;
import dev.sealer.grpc.v1.GetConsistencyProofRequest;
import dev.sealer.grpc.v1.GetInclusionProofRequest;
import dev.sealer.grpc.v1.IntegrityFinding;
import dev.sealer.grpc.v1.IntegritySweepReport;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.RunIntegritySweepRequest;
import dev.sealer.app.sweep.IntegritySweeper;
import dev.sealer.core.integrity.Finding;
import dev.sealer.core.integrity.IntegrityCheck;
import dev.sealer.app.storage.StoredCheckpoint;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;

/** Checkpoints, proofs and the integrity sweep. */
@GrpcService
@Blocking
public class LogGrpcService extends LogServiceGrpc.LogServiceImplBase {
    /** Requests are decoded by {@link RequestDecoding}: bytes that are not a request get MALFORMED_REQUEST, not UNKNOWN. */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.wrap(super.bindService());
    }

    @Inject
    TransparencyLog log;
    @Inject
    SealQueries queries;
    @Inject
    IntegritySweeper sweeper;

    @Override
    public void getCheckpoint(GetCheckpointRequest request, StreamObserver<Checkpoint> observer) {
        SealGrpcService.unary(observer, () -> {
            if (request.getTreeSize() < 0) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "tree_size must be >= 0");
            }
            StoredCheckpoint cp = log.checkpoint(request.getTreeSize());
            Checkpoint.Builder b = Checkpoint.newBuilder().setTreeSize(cp.treeSize()).setRootHash(ByteString.copyFrom(cp.rootHash())).setNote(cp.note())
                    .setSuiteId(cp.suiteId()).setIssuedAt(Rfc3339.format(cp.issuedAt()));
            log.timestamp(cp.treeSize()).ifPresent(t -> b.setTimestampToken(ByteString.copyFrom(t.token()))
                    .setTimestampGenTime(Rfc3339.format(t.genTime())).setTimestampAuthority(t.tsa()));
            return b.build();
        });
    }

    @Override
    public void getInclusionProof(GetInclusionProofRequest request, StreamObserver<Anchor> observer) {
        SealGrpcService.unary(observer, () -> {
            long leaf = switch (request.getLeafCase()) {
                case SEAL_ID -> queries.get(SealLimits.sealId(request.getSealId(), Reason.INVALID_ARGUMENT)).stored().leafIndex();
                case LEAF_INDEX -> request.getLeafIndex();
                case LEAF_NOT_SET -> throw new SealerException(Reason.INVALID_ARGUMENT, "set seal_id or leaf_index");
            };
            if (request.getTreeSize() < 0) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "tree_size must be >= 0");
            }
            if (request.getEarliest()) {
                return ProtoMapper.anchor(log.earliestInclusion(leaf)
                        .orElseThrow(() -> new SealerException(Reason.INVALID_ARGUMENT, "leaf " + leaf + " is not in a checkpoint yet")));
            }
            return ProtoMapper.anchor(log.inclusion(leaf, request.getTreeSize()));
        });
    }

    @Override
    public void getConsistencyProof(GetConsistencyProofRequest request, StreamObserver<ConsistencyProof> observer) {
        SealGrpcService.unary(observer, () -> {
            if (request.getToSize() < 0) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "to_size must be >= 0");
            }
            long to = log.checkpoint(request.getToSize()).treeSize();
            ConsistencyProof.Builder b = ConsistencyProof.newBuilder().setFromSize(request.getFromSize()).setToSize(to);
            log.consistency(request.getFromSize(), to).forEach(h -> b.addProof(ByteString.copyFrom(h)));
            return b.build();
        });
    }

    @Override
    public void runIntegritySweep(RunIntegritySweepRequest request, StreamObserver<IntegritySweepReport> observer) {
        SealGrpcService.unary(observer, () -> {
            return report(sweeper.sweep());
        });
    }

    private static final java.util.regex.Pattern LEAF_ROW = java.util.regex.Pattern.compile("leaf (\\d+)(?: seal (\\S+))?");

    static IntegritySweepReport report(IntegrityCheck.Report r) {
        IntegritySweepReport.Builder b = IntegritySweepReport.newBuilder().setReceiptsChecked(r.receipts())
                .setNodesChecked(r.nodes()).setCheckpointsChecked(r.checkpoints()).setSignaturesChecked(r.signatures())
                .setSuiteEventsChecked(r.suiteEvents()).setAuditEventsChecked(r.auditEvents()).setResealsChecked(r.reseals()).setTimestampsChecked(r.timestamps()).setClean(r.clean());
        for (Finding f : r.findings()) {
            java.util.regex.Matcher m = LEAF_ROW.matcher(f.row());
            boolean leaf = m.matches();
            b.addFindings(IntegrityFinding.newBuilder().setReason(f.reason()).setTable(f.table()).setRow(f.row()).setDetail(f.detail())
                    .setLeafIndex(leaf ? Long.parseLong(m.group(1)) : -1).setSealId(leaf && m.group(2) != null ? m.group(2) : ""));
        }
        return b.build();
    }
}
