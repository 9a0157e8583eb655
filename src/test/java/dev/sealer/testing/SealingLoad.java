package dev.sealer.testing;

import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Callers sealing against a service while a test breaks one of its dependencies: each thread seals
 * one request after another (SIGNED and ANCHORED in turn, 20 s deadline), keeps what was
 * acknowledged, counts the refusals with the one reason the test expects meanwhile, and keeps any
 * other answer as unexpected. {@link #close} stops them.
 */
public final class SealingLoad implements AutoCloseable {
    public final Map<String, SealResponse> acknowledged = new ConcurrentHashMap<>();
    public final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    public final AtomicInteger expectedRefusals = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService pool;

    /** Starts {@code threads} callers on {@code channel}; request ids are {@code run-thread-i}. */
    public SealingLoad(ManagedChannel channel, int threads, String run, String expectedReason) {
        SealServiceGrpc.SealServiceBlockingStub seals = SealServiceGrpc.newBlockingStub(channel);
        pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            pool.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String id = run + "-" + thread + "-" + i;
                    SealMode mode = i % 2 == 0 ? SealMode.ANCHORED : SealMode.SIGNED;
                    try {
                        acknowledged.put(id, seals.withDeadlineAfter(20, TimeUnit.SECONDS).seal(Grpc.request(id).setRequestId(id).setMode(mode).build()));
                    } catch (StatusRuntimeException e) {
                        if (expectedReason.equals(Grpc.reason(e))) {
                            expectedRefusals.incrementAndGet();
                        } else {
                            unexpected.add(e.getStatus().getCode() + " " + Grpc.reason(e) + " " + e.getStatus().getDescription());
                        }
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException stopped) {
                            return;
                        }
                    }
                }
            });
        }
    }

    /** Waits until {@code n} more seals were acknowledged than now (at most 60 s); fails otherwise. */
    public void awaitMore(int n) throws InterruptedException {
        int target = acknowledged.size() + n;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < target && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (acknowledged.size() < target) {
            throw new AssertionError("sealing does not go on: " + acknowledged.size() + " acknowledged, wanted " + target
                    + "; unexpected answers: " + unexpected.stream().distinct().limit(5).toList());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the sealing callers did not stop within 60 s");
        }
    }
}
