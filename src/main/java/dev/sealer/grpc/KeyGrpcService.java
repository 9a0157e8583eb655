package dev.sealer.grpc;

import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.suite.SuiteLedger;
import dev.sealer.core.time.Rfc3339;
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
    /** Requests are decoded by {@link RequestDecoding}: bytes that are not a request get MALFORMED_REQUEST, not UNKNOWN. */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.wrap(super.bindService());
    }

    @Inject
    SuiteRegistry suites;
    @Inject
    dev.sealer.app.seal.CompromisePlaybook playbook;

    @Override
    public void rotateSuite(dev.sealer.grpc.v1.RotateSuiteRequest request, StreamObserver<dev.sealer.grpc.v1.RotateSuiteResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            var r = suites.rotate(request.getExpectedActiveSuiteId(), CallerIdentity.current());
            return dev.sealer.grpc.v1.RotateSuiteResponse.newBuilder().setActiveSuiteId(r.activeSuiteId()).setRotated(r.rotated()).build();
        });
    }

    @Override
    public void revokeSuite(dev.sealer.grpc.v1.RevokeSuiteRequest request, StreamObserver<dev.sealer.grpc.v1.RevokeSuiteResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            java.time.Instant since;
            try {
                since = ProtoMapper.instant(ProtoMapper.timestamp(java.time.Instant.parse(request.getCompromisedSince())));
            } catch (RuntimeException e) {
                throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.INVALID_ARGUMENT,
                        "compromised_since must be an RFC 3339 UTC time, e.g. 2026-11-21T12:00:00Z");
            }
            if (request.getReason().length() > 512) {
                throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.INVALID_ARGUMENT, "reason is longer than 512 characters");
            }
            suites.revoke(request.getSuiteId(), since, request.getReason(), CallerIdentity.current());
            return dev.sealer.grpc.v1.RevokeSuiteResponse.newBuilder().setActiveSuiteId(suites.state().activeCertificate().suiteId()).build();
        });
    }

    @Override
    public void listAffectedSeals(dev.sealer.grpc.v1.ListAffectedSealsRequest request, StreamObserver<dev.sealer.grpc.v1.ListAffectedSealsResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
            if (size < 1 || size > 1000) {
                throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.INVALID_ARGUMENT, "page_size must be 1..1000");
            }
            long after = -1;
            if (!request.getPageToken().isEmpty()) {
                try {
                    after = Long.parseLong(request.getPageToken());
                } catch (NumberFormatException e) {
                    throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.INVALID_ARGUMENT, "page_token is not a token this service issued");
                }
            }
            var page = playbook.affected(request.getSuiteId(), after, size + 1);
            var b = dev.sealer.grpc.v1.ListAffectedSealsResponse.newBuilder();
            page.stream().limit(size).forEach(v -> b.addSeals(ProtoMapper.record(v)));
            if (page.size() > size) {
                b.setNextPageToken(Long.toString(page.get(size - 1).stored().leafIndex()));
            }
            return b.build();
        });
    }

    @Override
    public void resealAffected(dev.sealer.grpc.v1.ResealAffectedRequest request, StreamObserver<dev.sealer.grpc.v1.ResealAffectedResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            int limit = request.getLimit() == 0 ? 1000 : request.getLimit();
            if (limit < 1 || limit > 1000) {
                throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.INVALID_ARGUMENT, "limit must be 1..1000");
            }
            var done = playbook.resealAffected(request.getSuiteId(), limit, CallerIdentity.current());
            var b = dev.sealer.grpc.v1.ResealAffectedResponse.newBuilder().setMore(done.size() == limit);
            done.forEach(e -> b.addReseals(dev.sealer.grpc.v1.Reseal.newBuilder().setOldSealId(e.getKey().toString()).setNewSealId(e.getValue().toString())));
            return b.build();
        });
    }

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
                        .setStatus(e.status().name()).setSignFrom(Rfc3339.format(c.signFrom())).setSignUntil(Rfc3339.format(c.signUntil()))
                        .setVerifyUntil(Rfc3339.format(c.verifyUntil())).setCertificateJson(CanonicalJson.writeString(c.toJsonValue())));
            }
            return b.build();
        });
    }
}
