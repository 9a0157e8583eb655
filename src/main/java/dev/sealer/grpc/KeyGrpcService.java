package dev.sealer.grpc;

import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.suite.SuiteLedger;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.GetTrustBundleResponse;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListSuitesRequest;
import dev.sealer.grpc.v1.ListSuitesResponse;
import dev.sealer.grpc.v1.Suite;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;

/** Suites and the trust bundle. */
@GrpcService
@Blocking
public class KeyGrpcService extends KeyServiceGrpc.KeyServiceImplBase {
    @Inject
    SuiteRegistry suites;

    @Override
    public void getTrustBundle(GetTrustBundleRequest request, StreamObserver<GetTrustBundleResponse> observer) {
        SealGrpcService.unary(observer, () -> GetTrustBundleResponse.newBuilder().setTrustBundleJson(suites.trustBundle().toJson()).build());
    }

    @Override
    public void listSuites(ListSuitesRequest request, StreamObserver<ListSuitesResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            ListSuitesResponse.Builder b = ListSuitesResponse.newBuilder();
            for (SuiteLedger.Entry e : suites.state().ledger().all()) {
                var c = e.certificate();
                b.addSuites(Suite.newBuilder().setSuiteId(c.suiteId()).addAlgorithms("ed25519").addAlgorithms(c.pqAlgorithm().id())
                        .setStatus(e.status().name()).setSignFrom(Receipt.formatTime(c.signFrom())).setSignUntil(Receipt.formatTime(c.signUntil()))
                        .setVerifyUntil(Receipt.formatTime(c.verifyUntil())).setCertificateJson(CanonicalJson.writeString(c.toJsonValue())));
            }
            return b.build();
        });
    }
}
