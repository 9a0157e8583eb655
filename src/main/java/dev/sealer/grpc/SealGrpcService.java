package dev.sealer.grpc;

import dev.sealer.app.seal.SealCommand;
import dev.sealer.app.seal.SealQueries;
import dev.sealer.app.seal.SealView;
import dev.sealer.app.seal.SealWriter;
import dev.sealer.app.verify.VerificationService;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.verify.Verdict;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.ListSealsResponse;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import dev.sealer.app.storage.SealFilter;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Thin handlers: parse, call the sealing service, map the answer or the error. Unary calls run
 * on worker threads; the two streams run on the event loop and only queue work (SealStream
 * through {@link SealWriter#sealFromIoThread}, VerifyStream onto its verification pool), so
 * a stream costs no thread hand-off per item on the way in.
 */
@GrpcService
public class SealGrpcService extends SealServiceGrpc.SealServiceImplBase {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SealGrpcService.class);

    /** Requests are decoded by {@link RequestDecoding}: bytes that are not a request get MALFORMED_REQUEST, not UNKNOWN. */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.wrap(super.bindService());
    }

    /** Requests of one VerifyStream accepted but not yet answered (inbound flow control). */
    static final int STREAM_WINDOW = 256;

    @Inject
    SealWriter writer;
    @Inject
    SealQueries queries;
    @Inject
    VerificationService verification;
    @Inject
    dev.sealer.app.format.FormatService formats;

    /**
     * Threads verifying VerifyStream requests, shared by all streams (0: twice the cores). The work is CPU-bound dual
     * verification plus, by seal id, one database read during which the thread waits: twice the cores keeps the cores busy
     * through those reads (measured on 2 cores: about 10-20% more verifications/s than one thread per core).
     */
    @ConfigProperty(name = "sealer.verify.stream-threads", defaultValue = "0")
    int streamThreads;
    /** How many requests of one stream are verified at a time (0: as many as there are stream threads). */
    @ConfigProperty(name = "sealer.verify.stream-parallelism", defaultValue = "0")
    int streamParallelism;
    private ExecutorService verifiers;

    @PostConstruct
    void start() {
        if (streamThreads <= 0) {
            streamThreads = 2 * Runtime.getRuntime().availableProcessors();
        }
        if (streamParallelism <= 0) {
            streamParallelism = streamThreads;
        }
        verifiers = Executors.newFixedThreadPool(streamThreads, Thread.ofPlatform().name("verify-", 0).daemon().factory());
    }

    @PreDestroy
    void stop() {
        verifiers.shutdown();
    }

    @Override
    @NonBlocking
    public void seal(SealRequest request, StreamObserver<SealResponse> observer) {
        io.grpc.Context call = io.grpc.Context.current();
        // on the event loop: signed on the signing pool (bounded, and its wait too), committed by the commit writer;
        // the answer is sent from the commit's completion
        CompletableFuture<SealView> sealed;
        try {
            sealed = writer.sealFromIoThread(command(request), SealAdmission.of(call));
        } catch (RuntimeException e) {
            observer.onError(ErrorMapper.toStatus(e));
            return;
        }
        RequestLogContext.Captured mdc = RequestLogContext.capture();
        sealed.whenComplete((view, error) -> {
            if (error != null) {
                observer.onError(ErrorMapper.toStatus(error));
            } else {
                mdc.run(view.stored().sealId().toString(), () -> {
                    LOG.debugf("sealed %s as %s%s", request.getRequestId(), view.stored().sealId(), view.replayed() ? " (replayed)" : "");
                    observer.onNext(response(view, request.getCompact(), -1));
                    observer.onCompleted();
                });
            }
        });
    }

    @Override
    @NonBlocking
    public StreamObserver<SealRequest> sealStream(StreamObserver<SealResponse> observer) {
        String caller = CallerIdentity.current();
        io.grpc.Context call = io.grpc.Context.current();
        dev.sealer.app.seal.SealStreamSession session = writer.stream(call::isCancelled);
        return new StreamObserver<>() {
            // responses leave in request order; an error ends the stream after every earlier answer
            private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
            private volatile boolean failed;
            private long checkpointSent = -1; // tree size of the last checkpoint text sent on this stream (guarded by observer)

            @Override
            public synchronized void onNext(SealRequest request) {
                if (failed) {
                    return;
                }
                SealCommand cmd = null;
                RuntimeException invalid = null;
                try {
                    cmd = command(request, caller);
                } catch (RuntimeException e) {
                    invalid = e;
                }
                // all-or-answered: nothing after a failing item is committed (SealStreamSession)
                CompletableFuture<SealView> current = session.next(cmd, invalid);
                boolean compact = request.getCompact();
                tail = tail.thenCompose(v -> current.handle((view, error) -> {
                    synchronized (observer) {
                        if (failed) {
                            return null;
                        }
                        if (error != null) {
                            failed = true;
                            observer.onError(ErrorMapper.toStatus(error));
                        } else {
                            SealResponse answer = response(view, compact, checkpointSent);
                            if (answer.hasAnchor() && !answer.getAnchor().getCheckpointBytes().isEmpty()) {
                                checkpointSent = answer.getAnchor().getTreeSize();
                            }
                            observer.onNext(answer);
                        }
                    }
                    return null;
                }));
            }

            @Override
            public void onError(Throwable t) {
                failed = true;
                session.stop(); // the caller left: nothing more of this stream is committed
            }

            @Override
            public synchronized void onCompleted() {
                tail.thenRun(() -> {
                    synchronized (observer) {
                        if (!failed) {
                            observer.onCompleted();
                        }
                    }
                });
            }
        };
    }

    @Override
    @Blocking
    public void verify(VerifyRequest request, StreamObserver<VerifyResponse> observer) {
        unary(observer, () -> verifyOne(request));
    }

    /**
     * Verify, streamed: the same {@link #verifyOne} per request, up to {@code sealer.verify.stream-parallelism} requests of
     * a stream at a time on the shared verification pool, answers in request order. Not on a worker thread: receiving a
     * request only queues it, the pool does the (blocking, CPU-bound) work, so there is no per-request hop through the
     * worker pool.
     */
    @Override
    @NonBlocking
    public StreamObserver<VerifyRequest> verifyStream(StreamObserver<VerifyResponse> observer) {
        return new OrderedParallelStream<>(observer, this::verifyOne, verifiers, streamParallelism, STREAM_WINDOW);
    }

    /**
     * One verification, for Verify and VerifyStream alike: the verdict (VALID, or INVALID with a reason) for a request, or
     * a {@link SealerException} for a request that cannot be verified (no target, a malformed or unknown seal id, a bad digest).
     */
    VerifyResponse verifyOne(VerifyRequest request) {
        RequestDecoding.check(request);
        Optional<Digest> artifact = request.hasDigest() ? Optional.of(ProtoMapper.digest(request.getDigest())) : Optional.empty();
        VerificationService.Outcome outcome = switch (request.getTargetCase()) {
            case SEAL_ID -> verification.bySealId(SealLimits.sealId(request.getSealId(), Reason.INVALID_ARGUMENT), artifact);
            case SEAL -> {
                SealRecord seal = request.getSeal();
                Receipt receipt;
                try {
                    receipt = Receipt.parse(seal.getReceiptJson().toByteArray());
                } catch (SealerException e) {
                    yield new VerificationService.Outcome(seal.getSealId(), "", Verdict.invalid(e.reason(), e.getMessage()));
                }
                yield verification.seal(receipt, new DualSignature(seal.getEd25519Signature().isEmpty() ? null : seal.getEd25519Signature().toByteArray(),
                        seal.getMlDsaSignature().isEmpty() ? null : seal.getMlDsaSignature().toByteArray()), artifact);
            }
            case SEAL_BUNDLE_JSON -> {
                SealBundle bundle;
                try {
                    bundle = SealBundle.parse(request.getSealBundleJson());
                } catch (SealerException e) {
                    yield new VerificationService.Outcome("", "", Verdict.invalid(e.reason(), e.getMessage()));
                }
                yield verification.bundle(bundle, artifact);
            }
            default -> throw new SealerException(Reason.INVALID_ARGUMENT, "set one of seal, seal_id or seal_bundle_json");
        };
        return answer(outcome);
    }

    private static VerifyResponse answer(VerificationService.Outcome o) {
        VerifyResponse.Builder b = VerifyResponse.newBuilder()
                .setVerdict(o.verdict().valid() ? dev.sealer.grpc.v1.Verdict.VALID : dev.sealer.grpc.v1.Verdict.INVALID)
                .setDetail(o.verdict().detail()).setSealId(o.sealId()).setSuiteId(o.suiteId());
        if (!o.verdict().valid()) {
            b.setReason(o.verdict().reason().name());
        }
        return b.build();
    }

    @Override
    @Blocking
    public void getSeal(GetSealRequest request, StreamObserver<SealRecord> observer) {
        unary(observer, () -> {
            java.util.UUID id = SealLimits.sealId(request.getSealId(), Reason.INVALID_ARGUMENT);
            return switch (request.getExport()) {
                case EXPORT_FORMAT_UNSPECIFIED -> ProtoMapper.record(queries.get(id));
                case IN_TOTO_DSSE -> ProtoMapper.record(queries.get(id)).toBuilder()
                        .setInTotoDsseJson(dev.sealer.core.json.CanonicalJson.writeString(formats.export(id).toJsonValue())).build();
                case UNRECOGNIZED -> throw new SealerException(Reason.INVALID_ARGUMENT, "export must be EXPORT_FORMAT_UNSPECIFIED or IN_TOTO_DSSE");
            };
        });
    }

    @Override
    @Blocking
    public void listSeals(ListSealsRequest request, StreamObserver<ListSealsResponse> observer) {
        unary(observer, () -> {
            int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
            if (size < 1 || size > 1000) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "page_size must be 1..1000");
            }
            SealFilter filter = switch (request.getFilterCase()) {
                case REQUEST_ID -> ProtoMapper.sealFilter(request.getRequestId(), null, null, null);
                case SUBJECT -> ProtoMapper.sealFilter(null, null, request.getSubject(), null);
                case SIGNER -> ProtoMapper.sealFilter(null, null, null, request.getSigner());
                case COMMITTED -> ProtoMapper.sealFilter(null, request.getCommitted(), null, null);
                case FILTER_NOT_SET -> {
                    if (request.getStage() == dev.sealer.grpc.v1.Stage.STAGE_UNSPECIFIED && request.getLabel().isEmpty()) {
                        throw new SealerException(Reason.INVALID_ARGUMENT, "set a filter: request_id, committed, subject or signer, or stage or label");
                    }
                    yield ProtoMapper.allSeals();
                }
            };
            filter = ProtoMapper.withStageAndLabel(filter, request.getStage(), request.getLabel());
            SealView.Page page = queries.list(filter, request.getPageToken(), size);
            ListSealsResponse.Builder b = ListSealsResponse.newBuilder().setNextPageToken(page.nextPageToken());
            page.seals().forEach(v -> b.addSeals(ProtoMapper.record(v)));
            return b.build();
        });
    }


    private static SealCommand command(SealRequest r) {
        return command(r, CallerIdentity.current());
    }

    static SealCommand command(SealRequest r, String caller) {
        RequestDecoding.check(r);
        if (!r.hasDigest()) {
            throw new SealerException(Reason.INVALID_DIGEST, "digest is required");
        }
        SealCommand.Mode mode = switch (r.getMode()) {
            case SEAL_MODE_UNSPECIFIED, SIGNED -> SealCommand.Mode.SIGNED;
            case ANCHORED -> SealCommand.Mode.ANCHORED;
            case UNRECOGNIZED -> throw new SealerException(Reason.INVALID_ARGUMENT, "mode must be SIGNED or ANCHORED");
        };
        SealLimits.unreserved(r.getLabelsMap()); // keys under sealer.lineage/ are a meta-seal's
        return new SealCommand(r.getRequestId(), ProtoMapper.digest(r.getDigest()), r.getSubject(), ProtoMapper.stage(r.getStage()),
                r.getLabelsMap(), r.getParentSealIdsList(), caller, mode);
    }

    /**
     * The answer to one seal request. Compact: no bundle JSON, and no checkpoint text when this
     * stream already carried the checkpoint of that tree size ({@code checkpointSent}, -1 for none).
     */
    static SealResponse response(SealView view, boolean compact, long checkpointSent) {
        SealResponse.Builder b = SealResponse.newBuilder().setSeal(ProtoMapper.record(view)).setReplayed(view.replayed());
        if (!compact) {
            b.setSealBundleJson(view.bundleJson());
        }
        if (view.anchor() != null) {
            b.setAnchor(ProtoMapper.anchor(view.anchor(), !compact || view.anchor().treeSize() != checkpointSent));
        }
        return b.build();
    }

    static <T> void unary(StreamObserver<T> observer, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            observer.onError(ErrorMapper.toStatus(e));
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }
}
