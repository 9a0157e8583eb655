package dev.sealer.grpc;

import dev.sealer.app.format.FormatService;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.grpc.v1.FormatServiceGrpc;
import dev.sealer.grpc.v1.SealModelRequest;
import dev.sealer.grpc.v1.SealModelResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;

/** Thin handler for the formats other tools read: map the request, call {@link FormatService}, map the answer or the error. */
@GrpcService
public class FormatGrpcService extends FormatServiceGrpc.FormatServiceImplBase {
    @Inject
    FormatService formats;

    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.wrap(super.bindService());
    }

    @Override
    @Blocking
    public void sealModel(SealModelRequest request, StreamObserver<SealModelResponse> observer) {
        io.grpc.Context call = io.grpc.Context.current();
        if (call.isCancelled()) {
            return;
        }
        CompletableFuture<FormatService.ModelSeal> sealed;
        try {
            RequestDecoding.check(request);
            SealLimits.unreserved(request.getLabelsMap());
            sealed = formats.sealModel(request.getRequestId(), request.getStatement().toByteArray(), ProtoMapper.stage(request.getStage()),
                    request.getLabelsMap(), request.getParentSealIdsList(), CallerIdentity.current(), SealAdmission.of(call));
        } catch (RuntimeException e) {
            observer.onError(ErrorMapper.toStatus(e));
            return;
        }
        sealed.whenComplete((m, error) -> {
            if (error != null) {
                observer.onError(ErrorMapper.toStatus(error));
                return;
            }
            // the seal answered as Seal answers it: full bundle, the anchor with its checkpoint
            observer.onNext(SealModelResponse.newBuilder().setSeal(SealGrpcService.response(m.seal(), false, -1)).setModelSigJson(m.modelSigJson()).build());
            observer.onCompleted();
        });
    }
}
