package dev.sealer.grpc;

import com.google.protobuf.ByteString;
import dev.sealer.app.lineage.LineageQueries;
import dev.sealer.app.lineage.LineageService;
import dev.sealer.app.seal.SealCommand;
import dev.sealer.app.seal.SealView;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.lineage.LineageFile;
import dev.sealer.core.lineage.LineageVerifier;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.grpc.v1.CreateMetaSealRequest;
import dev.sealer.grpc.v1.CreateMetaSealResponse;
import dev.sealer.grpc.v1.GetLineageFileRequest;
import dev.sealer.grpc.v1.GetLineageFileResponse;
import dev.sealer.grpc.v1.LineageNodeVerdict;
import dev.sealer.grpc.v1.LineageServiceGrpc;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyLineageRequest;
import dev.sealer.grpc.v1.VerifyLineageResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Thin handlers for the lineage: map the request, call {@link LineageService}, map the answer or the error. */
@GrpcService
public class LineageGrpcService extends LineageServiceGrpc.LineageServiceImplBase {
    @Inject
    LineageService lineage;
    @Inject
    LineageQueries queries;

    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.wrap(super.bindService());
    }

    @Override
    @Blocking
    public void createMetaSeal(CreateMetaSealRequest request, StreamObserver<CreateMetaSealResponse> observer) {
        io.grpc.Context call = io.grpc.Context.current();
        if (call.isCancelled()) {
            return;
        }
        java.util.concurrent.CompletableFuture<LineageService.Created> created;
        try {
            RequestDecoding.check(request);
            SealCommand.Mode mode = switch (request.getMode()) {
                case SEAL_MODE_UNSPECIFIED, SIGNED -> SealCommand.Mode.SIGNED;
                case ANCHORED -> SealCommand.Mode.ANCHORED;
                case UNRECOGNIZED -> throw new SealerException(Reason.INVALID_ARGUMENT, "mode must be SIGNED or ANCHORED");
            };
            created = lineage.create(new LineageService.MetaSealCommand(request.getRequestId(), request.getSubject(), request.getSealIdsList(),
                    request.getExternalRootIdsList(), request.getPolicy(), request.getPolicyVersion(), request.getLabelsMap(), CallerIdentity.current(), mode),
                    SealAdmission.of(call));
        } catch (RuntimeException e) {
            observer.onError(ErrorMapper.toStatus(e));
            return;
        }
        created.whenComplete((c, error) -> {
            if (error != null) {
                observer.onError(ErrorMapper.toStatus(error));
                return;
            }
            observer.onNext(CreateMetaSealResponse.newBuilder().setMetaSeal(response(c.metaSeal())).setManifest(ByteString.copyFrom(c.manifest()))
                    .setPolicy(c.policy().id()).setBoundCount(c.boundCount()).build());
            observer.onCompleted();
        });
    }

    @Override
    @Blocking
    public void verifyLineage(VerifyLineageRequest request, StreamObserver<VerifyLineageResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            RequestDecoding.check(request);
            Map<UUID, Digest> artifacts = new HashMap<>();
            request.getArtifactsMap().forEach((id, d) -> artifacts.put(SealLimits.sealId(id, Reason.INVALID_ARGUMENT), ProtoMapper.digest(d)));
            LineageVerifier.Report report;
            switch (request.getTargetCase()) {
                case META_SEAL_ID -> report = lineage.verify(SealLimits.sealId(request.getMetaSealId(), Reason.INVALID_ARGUMENT), artifacts);
                case LINEAGE_JSON -> {
                    LineageFile file;
                    try {
                        file = LineageFile.parse(request.getLineageJson().getBytes(StandardCharsets.UTF_8));
                    } catch (SealerException e) {
                        // as Verify answers an unreadable bundle: an INVALID verdict, the reason sealer verify prints for the file
                        return VerifyLineageResponse.newBuilder().setVerdict(Verdict.INVALID).setReason(e.reason().name()).setDetail(e.getMessage()).build();
                    }
                    report = lineage.verify(file, artifacts);
                }
                default -> throw new SealerException(Reason.INVALID_ARGUMENT, "set meta_seal_id or lineage_json");
            }
            return answer(report);
        });
    }

    @Override
    @Blocking
    public void getLineageFile(GetLineageFileRequest request, StreamObserver<GetLineageFileResponse> observer) {
        SealGrpcService.unary(observer, () -> GetLineageFileResponse.newBuilder()
                .setLineageJson(ByteString.copyFrom(lineage.file(SealLimits.sealId(request.getMetaSealId(), Reason.INVALID_ARGUMENT)).toBytes())).build());
    }

    @Override
    @Blocking
    public void listLineage(dev.sealer.grpc.v1.ListLineageRequest request, StreamObserver<dev.sealer.grpc.v1.ListLineageResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            RequestDecoding.check(request);
            UUID sealId = SealLimits.sealId(request.getSealId(), Reason.INVALID_ARGUMENT);
            LineageQueries.Direction direction = switch (request.getDirection()) {
                case LINEAGE_ANCESTORS -> LineageQueries.Direction.ANCESTORS;
                case LINEAGE_DESCENDANTS -> LineageQueries.Direction.DESCENDANTS;
                default -> throw new SealerException(Reason.INVALID_ARGUMENT, "direction must be LINEAGE_ANCESTORS or LINEAGE_DESCENDANTS");
            };
            int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
            if (size < 1 || size > 1000) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "page_size must be 1..1000");
            }
            int depth = request.getMaxDepth() == 0 ? LineageQueries.DEFAULT_DEPTH : request.getMaxDepth();
            LineageQueries.Page page = queries.list(sealId, direction, depth, request.getPageToken(), size);
            dev.sealer.grpc.v1.ListLineageResponse.Builder b = dev.sealer.grpc.v1.ListLineageResponse.newBuilder()
                    .setNextPageToken(page.nextPageToken()).setTruncated(page.truncated());
            for (LineageQueries.Entry e : page.entries()) {
                b.addEntries(dev.sealer.grpc.v1.LineageEntry.newBuilder().setSeal(ProtoMapper.record(SealView.of(e.seal()))).setDepth(e.depth()));
            }
            return b.build();
        });
    }

    private static VerifyLineageResponse answer(LineageVerifier.Report r) {
        VerifyLineageResponse.Builder b = VerifyLineageResponse.newBuilder().setVerdict(verdict(r.verdict())).setDetail(r.verdict().detail())
                .setMetaSealId(r.metaSealId().toString()).setPolicy(r.policyId()).setSubject(r.subject());
        if (!r.valid()) {
            b.setReason(r.verdict().reason().name());
        }
        for (LineageVerifier.NodeVerdict n : r.nodes()) {
            LineageNodeVerdict.Builder nb = LineageNodeVerdict.newBuilder().setSealId(n.sealId().toString()).setRole(n.role())
                    .setStage(n.stage() == null ? "" : n.stage().id()).setVerdict(verdict(n.verdict())).setDetail(n.verdict().detail())
                    .setSuiteId(n.suiteId() == null ? "" : n.suiteId());
            if (!n.verdict().valid()) {
                nb.setReason(n.verdict().reason().name());
            }
            b.addNodes(nb);
        }
        return b.build();
    }

    private static Verdict verdict(dev.sealer.core.verify.Verdict v) {
        return v.valid() ? Verdict.VALID : Verdict.INVALID;
    }

    private static SealResponse response(SealView view) {
        SealResponse.Builder b = SealResponse.newBuilder().setSeal(ProtoMapper.record(view)).setReplayed(view.replayed()).setSealBundleJson(view.bundleJson());
        if (view.anchor() != null) {
            b.setAnchor(ProtoMapper.anchor(view.anchor(), true));
        }
        return b.build();
    }
}
