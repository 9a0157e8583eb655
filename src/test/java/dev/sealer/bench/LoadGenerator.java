package dev.sealer.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.sealer.grpc.v1.Digest;
import dev.sealer.grpc.v1.DigestAlgorithm;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Stage;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Closed-loop gRPC load generator for Sealer, on plain grpc-java stubs.
 *
 * <ul>
 *   <li>{@code UNARY}: {@code concurrency} client threads, each calling {@code Seal} and waiting for the answer.</li>
 *   <li>{@code STREAM}: {@code SealStream} with {@code concurrency} requests in flight in total, spread over
 *       {@code ceil(concurrency / inflight)} streams with at most {@code inflight} outstanding requests each; a
 *       new request is sent when an answer arrives. Latency is send-to-answer of each item.</li>
 *   <li>{@code VERIFY}: {@code concurrency} client threads calling {@code Verify} by seal id (with the artifact digest)
 *       on seals this generator made earlier.</li>
 *   <li>{@code VERIFY_STREAM}: the same requests on {@code VerifyStream}, spread over streams like {@code STREAM}:
 *       {@code concurrency} in flight in total, {@code ceil(concurrency / inflight)} streams.</li>
 * </ul>
 *
 * Requests are issued for {@code warmup + duration}; only answers that arrive inside the {@code duration}
 * window are counted and their latencies recorded. With {@code maxOps > 0} the run stops issuing after that
 * many requests (used to seal a fixed count for the storage measurement).
 *
 * <p>Standalone: {@code java -cp ... dev.sealer.bench.LoadGenerator --target localhost:9000 --kind stream
 * --concurrency 64 --duration 10 --warmup 3 [--inflight 16] [--batched]}; the verify kinds first seal 2,000 digests to verify.
 */
public final class LoadGenerator implements AutoCloseable {

    public enum Kind {
        /** The floor's empty call: grpc.health.v1.Health/Check on the same channels, through the same server interceptors. */
        EMPTY, UNARY, STREAM, VERIFY, VERIFY_STREAM;

        /** Requests multiplexed on bidirectional streams (several in flight per stream). */
        public boolean streamed() {
            return this == STREAM || this == VERIFY_STREAM;
        }

        public boolean verifies() {
            return this == VERIFY || this == VERIFY_STREAM;
        }
    }

    public record Config(Kind kind, int concurrency, Duration duration, Duration warmup, int inflightPerStream, boolean batched, long maxOps) {
        public Config {
            if (concurrency < 1 || inflightPerStream < 1) {
                throw new IllegalArgumentException("concurrency and inflight must be >= 1");
            }
        }

        public static Config of(Kind kind, int concurrency, Duration duration, Duration warmup) {
            return new Config(kind, concurrency, duration, warmup, 16, false, 0);
        }

        int streams() {
            return kind.streamed() ? (concurrency + inflight() - 1) / inflight() : concurrency;
        }

        int inflight() {
            return kind.streamed() ? Math.min(concurrency, inflightPerStream) : 1;
        }
    }

    /** One load point. {@code seconds} is the measurement window (shorter when {@code maxOps} ended the run early). */
    public record Result(Config config, long ok, long errors, double seconds, double throughput, double p50, double p99, double p999,
            double max, String firstError) {
        public int streams() {
            return config.streams();
        }

        public int inflight() {
            return config.inflight();
        }

        @Override
        public String toString() {
            return String.format("%-13s c=%-3d%s ok=%d err=%d %.1fs  %,.0f/s  p50=%.2fms p99=%.2fms p999=%.2fms max=%.1fms%s",
                    config.kind(), config.concurrency(), config.kind().streamed() ? " (" + streams() + "x" + inflight() + ")" : "",
                    ok, errors, seconds, throughput, p50, p99, p999, max, firstError == null ? "" : "  first error: " + firstError);
        }
    }

    /** A seal this generator made: what Verify needs. */
    private record Sealed(String sealId, Digest digest) {
    }

    private static final int KEEP = 50_000;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReferenceArray<Sealed> kept = new AtomicReferenceArray<>(KEEP);
    private final AtomicLong keptCount = new AtomicLong();

    public LoadGenerator(String host, int port, int channelCount) {
        for (int i = 0; i < channelCount; i++) {
            // answers are handled on the transport threads (they only record a latency): no hand-off per answer
            ManagedChannelBuilder<?> b = ManagedChannelBuilder.forAddress(host, port).usePlaintext().maxInboundMessageSize(16 << 20);
            channels.add((Boolean.getBoolean("lg.noDirect") ? b : b.directExecutor()).build());
        }
    }

    /**
     * The enum value of {@code SealRequest.mode} that selects batched sealing, if the compiled proto has
     * such a field (read from the generated descriptor, i.e. from what {@code proto/} held at compile time).
     */
    public static Optional<EnumValueDescriptor> batchedMode() {
        FieldDescriptor f = SealRequest.getDescriptor().findFieldByName("mode");
        if (f == null || f.getType() != FieldDescriptor.Type.ENUM) {
            return Optional.empty();
        }
        return f.getEnumType().getValues().stream().filter(v -> v.getName().equals("ANCHORED") || v.getName().toUpperCase().contains("BATCH")).findFirst();
    }

    public long sealsKept() {
        return Math.min(keptCount.get(), KEEP);
    }

    public Result run(Config c) throws InterruptedException {
        if (c.kind().verifies() && sealsKept() == 0) {
            throw new IllegalStateException("Verify needs seals made by this generator first");
        }
        long start = System.nanoTime();
        long measureStart = start + c.warmup().toNanos();
        long measureEnd = measureStart + c.duration().toNanos();
        Window w = new Window(measureStart, measureEnd, c.maxOps());
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < c.streams(); i++) {
            ManagedChannel ch = channels.get(i % channels.size());
            workers.add(switch (c.kind()) {
                case EMPTY -> new EmptyWorker(ch, c, w);
                case UNARY -> new UnaryWorker(ch, c, w);
                case STREAM -> new StreamWorker(ch, c, w);
                case VERIFY -> new VerifyWorker(ch, c, w);
                case VERIFY_STREAM -> new VerifyStreamWorker(ch, c, w);
            });
        }
        List<Thread> threads = workers.stream().map(wk -> Thread.ofPlatform().name("load-" + c.kind()).daemon().start(wk)).toList();
        for (Thread t : threads) {
            t.join();
        }
        Latencies all = Latencies.create();
        long ok = 0, errors = 0;
        String firstError = null;
        for (Worker wk : workers) {
            all.add(wk.latencies);
            ok += wk.ok;
            errors += wk.errors;
            if (firstError == null) {
                firstError = wk.firstError;
            }
        }
        long end = c.maxOps() > 0 && w.lastAnswer.get() > 0 ? Math.min(measureEnd, w.lastAnswer.get()) : measureEnd;
        double seconds = (end - measureStart) / 1e9;
        return new Result(c, ok, errors, seconds, ok / seconds, all.percentileMillis(50), all.percentileMillis(99), all.percentileMillis(99.9),
                all.maxMillis(), firstError);
    }

    /** Shared run window: when to stop issuing and which answers count. */
    private static final class Window {
        final long measureStart;
        final long measureEnd;
        final long maxOps;
        final AtomicLong issued = new AtomicLong();
        final AtomicLong lastAnswer = new AtomicLong();

        Window(long measureStart, long measureEnd, long maxOps) {
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
            this.maxOps = maxOps;
        }

        /** May another request be sent now? */
        boolean mayIssue() {
            if (System.nanoTime() >= measureEnd) {
                return false;
            }
            return maxOps <= 0 || issued.incrementAndGet() <= maxOps;
        }

        boolean counts(long answeredAt) {
            return answeredAt >= measureStart && answeredAt < measureEnd;
        }
    }

    private abstract class Worker implements Runnable {
        final Config config;
        final Window window;
        final Latencies latencies = Latencies.create();
        long ok;
        long errors;
        String firstError;

        Worker(Config config, Window window) {
            this.config = config;
            this.window = window;
        }

        /** Called from one thread at a time per worker (the client thread, or the stream's serialized callbacks). */
        void answered(long sentAt) {
            long now = System.nanoTime();
            if (window.counts(now)) {
                latencies.record(now - sentAt);
                ok++;
                window.lastAnswer.accumulateAndGet(now, Math::max);
            }
        }

        /** A verify answer: counted when VALID (every generated request is for a good seal and its digest), else an error. */
        void verified(VerifyResponse r, long sentAt) {
            if (r.getVerdict() != Verdict.VALID) {
                failed(Status.INTERNAL.withDescription("verdict " + r.getVerdict() + " " + r.getReason() + " " + r.getDetail()).asException());
            } else {
                answered(sentAt);
            }
        }

        void failed(Throwable t) {
            errors++;
            if (firstError == null) {
                Status s = Status.fromThrowable(t);
                firstError = s.getCode() + ": " + s.getDescription();
            }
        }
    }

    private final class EmptyWorker extends Worker {
        private final grpc.health.v1.HealthGrpc.HealthBlockingStub stub;

        EmptyWorker(ManagedChannel ch, Config c, Window w) {
            super(c, w);
            stub = grpc.health.v1.HealthGrpc.newBlockingStub(ch);
        }

        @Override
        public void run() {
            grpc.health.v1.HealthOuterClass.HealthCheckRequest req = grpc.health.v1.HealthOuterClass.HealthCheckRequest.getDefaultInstance();
            while (window.mayIssue()) {
                long sent = System.nanoTime();
                try {
                    stub.withDeadlineAfter(60, TimeUnit.SECONDS).check(req);
                    answered(sent);
                } catch (StatusRuntimeException e) {
                    failed(e);
                }
            }
        }
    }

    private final class UnaryWorker extends Worker {
        private final SealServiceGrpc.SealServiceBlockingStub stub;

        UnaryWorker(ManagedChannel ch, Config c, Window w) {
            super(c, w);
            stub = SealServiceGrpc.newBlockingStub(ch);
        }

        @Override
        public void run() {
            while (window.mayIssue()) {
                SealRequest req = request(config.batched());
                long sent = System.nanoTime();
                try {
                    SealResponse r = stub.withDeadlineAfter(60, TimeUnit.SECONDS).seal(req);
                    answered(sent);
                    keep(r, req.getDigest());
                } catch (StatusRuntimeException e) {
                    failed(e);
                }
            }
        }
    }

    private final class VerifyWorker extends Worker {
        private final SealServiceGrpc.SealServiceBlockingStub stub;

        VerifyWorker(ManagedChannel ch, Config c, Window w) {
            super(c, w);
            stub = SealServiceGrpc.newBlockingStub(ch);
        }

        @Override
        public void run() {
            while (window.mayIssue()) {
                VerifyRequest req = verifyRequest();
                long sent = System.nanoTime();
                try {
                    verified(stub.withDeadlineAfter(60, TimeUnit.SECONDS).verify(req), sent);
                } catch (StatusRuntimeException e) {
                    failed(e);
                }
            }
        }
    }

    /**
     * One bidirectional stream at a time with at most {@code inflight} requests outstanding; a new request is sent when an
     * answer arrives (answers come in request order, so the oldest outstanding request is the one answered).
     */
    private abstract class StreamingWorker<Q, R> extends Worker {
        StreamingWorker(Config c, Window w) {
            super(c, w);
        }

        record InFlight<Q>(long sentAt, Q request) {
        }

        abstract StreamObserver<Q> open(StreamObserver<R> answers);

        abstract Q next();

        /** One answer to {@code f}: count it (or its error). Called from the stream's serialized callbacks. */
        abstract void answer(R r, InFlight<Q> f);

        @Override
        public void run() {
            // one stream at a time; a stream that fails is counted and replaced while time remains
            while (System.nanoTime() < window.measureEnd && !limitReached()) {
                oneStream();
            }
        }

        private boolean limitReached() {
            return window.maxOps > 0 && window.issued.get() >= window.maxOps;
        }

        private void oneStream() {
            int inflight = config.inflight();
            Semaphore permits = new Semaphore(inflight);
            ConcurrentLinkedQueue<InFlight<Q>> pending = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> error = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            StreamObserver<Q> requests = open(new StreamObserver<>() {
                @Override
                public void onNext(R r) {
                    answer(r, pending.poll());
                    permits.release();
                }

                @Override
                public void onError(Throwable t) {
                    error.set(t);
                    failed(t);
                    errors += pending.size(); // the unanswered items are lost with the stream
                    permits.release(inflight);
                    done.countDown();
                }

                @Override
                public void onCompleted() {
                    done.countDown();
                }
            });
            try {
                while (error.get() == null) {
                    if (!permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    if (error.get() != null || !window.mayIssue()) {
                        break;
                    }
                    Q req = next();
                    pending.add(new InFlight<>(System.nanoTime(), req));
                    requests.onNext(req);
                }
                if (error.get() == null) {
                    requests.onCompleted();
                }
                if (!done.await(120, TimeUnit.SECONDS)) {
                    failed(Status.DEADLINE_EXCEEDED.withDescription("stream did not finish").asException());
                    requests.onError(Status.CANCELLED.asException());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SealStream. */
    private final class StreamWorker extends StreamingWorker<SealRequest, SealResponse> {
        private final SealServiceGrpc.SealServiceStub stub;

        StreamWorker(ManagedChannel ch, Config c, Window w) {
            super(c, w);
            stub = SealServiceGrpc.newStub(ch);
        }

        @Override
        StreamObserver<SealRequest> open(StreamObserver<SealResponse> answers) {
            return stub.sealStream(answers);
        }

        @Override
        SealRequest next() {
            return request(config.batched());
        }

        @Override
        void answer(SealResponse r, InFlight<SealRequest> f) {
            answered(f.sentAt());
            keep(r, f.request().getDigest());
        }
    }

    /** VerifyStream by seal id, on seals made earlier. */
    private final class VerifyStreamWorker extends StreamingWorker<VerifyRequest, VerifyResponse> {
        private final SealServiceGrpc.SealServiceStub stub;

        VerifyStreamWorker(ManagedChannel ch, Config c, Window w) {
            super(c, w);
            stub = SealServiceGrpc.newStub(ch);
        }

        @Override
        StreamObserver<VerifyRequest> open(StreamObserver<VerifyResponse> answers) {
            return stub.verifyStream(answers);
        }

        @Override
        VerifyRequest next() {
            return verifyRequest();
        }

        @Override
        void answer(VerifyResponse r, InFlight<VerifyRequest> f) {
            verified(r, f.sentAt());
        }
    }

    /** Verify by seal id with the artifact digest, for a random seal this generator made. */
    VerifyRequest verifyRequest() {
        Sealed s = kept.get(ThreadLocalRandom.current().nextInt((int) sealsKept()));
        return VerifyRequest.newBuilder().setSealId(s.sealId()).setDigest(s.digest()).build();
    }

    private void keep(SealResponse r, Digest digest) {
        long n = keptCount.getAndIncrement();
        if (n < KEEP) {
            kept.set((int) n, new Sealed(r.getSeal().getSealId(), digest));
        }
    }

    /** A realistic request: random SHA-256 digest, ~60-character subject, three labels (receipt ~450 bytes of canonical JSON). */
    SealRequest request(boolean batched) {
        long n = sequence.incrementAndGet();
        byte[] d = new byte[32];
        ThreadLocalRandom.current().nextBytes(d);
        SealRequest.Builder b = SealRequest.newBuilder().setRequestId("bench-" + runId + "-" + n)
                .setDigest(Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(ByteString.copyFrom(d)))
                .setSubject("models/bench/resnet-" + (n % 1000) + "/checkpoints/epoch-" + (n % 90) + "/weights.safetensors")
                .setStage(Stage.TRAINING).putLabels("team", "ml-platform").putLabels("pipeline", "nightly-train")
                .putLabels("run", "run-" + (n / 1000))
                .setCompact(true); // what a high-volume client asks for: no bundle JSON, each checkpoint once per stream
        if (batched) {
            EnumValueDescriptor mode = batchedMode().orElseThrow(() -> new IllegalStateException("this proto has no batched mode"));
            b.setField(SealRequest.getDescriptor().findFieldByName("mode"), mode);
        }
        return b.build();
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel ch : channels) {
            ch.shutdownNow();
        }
        for (ManagedChannel ch : channels) {
            ch.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    public static void main(String[] args) throws Exception {
        String target = "localhost:9000";
        Kind kind = Kind.UNARY;
        int concurrency = 16, inflight = 16;
        long duration = 10, warmup = 3;
        boolean batched = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--target" -> target = args[++i];
                case "--kind" -> kind = Kind.valueOf(args[++i].toUpperCase());
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Long.parseLong(args[++i]);
                case "--warmup" -> warmup = Long.parseLong(args[++i]);
                case "--inflight" -> inflight = Integer.parseInt(args[++i]);
                case "--batched" -> batched = true;
                default -> {
                    System.err.println("usage: LoadGenerator --target host:port --kind unary|stream|verify|verify_stream --concurrency N"
                            + " --duration SECONDS --warmup SECONDS [--inflight N] [--batched]");
                    System.exit(2);
                }
            }
        }
        String[] hp = target.split(":");
        System.out.println("latencies: " + Latencies.implementation() + "; batched mode in proto: "
                + batchedMode().map(EnumValueDescriptor::getName).orElse("no"));
        try (LoadGenerator lg = new LoadGenerator(hp[0], Integer.parseInt(hp[1]), Math.min(4, concurrency))) {
            if (kind.verifies()) {
                System.out.println("seeding: " + lg.run(new Config(Kind.STREAM, 16, Duration.ofSeconds(3), Duration.ZERO, 16, batched, 2000)));
            }
            System.out.println(lg.run(new Config(kind, concurrency, Duration.ofSeconds(duration), Duration.ofSeconds(warmup), inflight, batched, 0)));
        }
    }
}
