package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ordering, parallelism and error rules of a parallel stream, on plain threads (no server). */
class OrderedParallelStreamTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Collects what the stream sends; fails the test if two threads send at once. */
    static final class Recorder implements StreamObserver<Integer> {
        final List<Integer> answers = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch ended = new CountDownLatch(1);
        final AtomicInteger concurrentSenders = new AtomicInteger();
        volatile boolean overlapped;
        volatile Throwable error;
        volatile boolean completed;
        final AtomicInteger endings = new AtomicInteger();

        private void enter() {
            if (concurrentSenders.incrementAndGet() > 1) {
                overlapped = true;
            }
        }

        @Override
        public void onNext(Integer v) {
            enter();
            answers.add(v);
            concurrentSenders.decrementAndGet();
        }

        @Override
        public void onError(Throwable t) {
            enter();
            error = t;
            endings.incrementAndGet();
            concurrentSenders.decrementAndGet();
            ended.countDown();
        }

        @Override
        public void onCompleted() {
            enter();
            completed = true;
            endings.incrementAndGet();
            concurrentSenders.decrementAndGet();
            ended.countDown();
        }
    }

    static Function<Integer, Integer> jittery(Function<Integer, Integer> f) {
        return i -> {
            try {
                Thread.sleep(0, ThreadLocalRandom.current().nextInt(200_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return f.apply(i);
        };
    }

    @Test
    void answersEveryRequestInRequestOrder_whileWorkingOnSeveralAtOnce() throws Exception {
        Recorder out = new Recorder();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        var stream = new OrderedParallelStream<Integer, Integer>(out, jittery(i -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return i * 10;
        }), pool, 3, 1000);
        int n = 2000;
        for (int i = 0; i < n; i++) {
            stream.onNext(i);
        }
        stream.onCompleted();
        assertTrue(out.ended.await(60, TimeUnit.SECONDS));
        assertNull(out.error);
        assertTrue(out.completed);
        assertEquals(n, out.answers.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i * 10, out.answers.get(i));
        }
        assertFalse(out.overlapped, "two threads sent at once");
        assertEquals(3, maxRunning.get(), "work of one stream runs on up to parallelism threads");
        assertEquals(1, out.endings.get());
    }

    @Test
    void aFailingRequest_endsTheStreamWithItsError_afterEveryEarlierAnswer_andNothingLater() throws Exception {
        Recorder out = new Recorder();
        var stream = new OrderedParallelStream<Integer, Integer>(out, jittery(i -> {
            if (i == 700) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "item 700 is malformed");
            }
            return i;
        }), pool, 4, 1000);
        for (int i = 0; i < 1500; i++) {
            stream.onNext(i);
        }
        stream.onCompleted();
        assertTrue(out.ended.await(60, TimeUnit.SECONDS));
        assertEquals(700, out.answers.size());
        for (int i = 0; i < 700; i++) {
            assertEquals(i, out.answers.get(i));
        }
        assertFalse(out.completed);
        Status s = Status.fromThrowable(out.error);
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertEquals("item 700 is malformed", s.getDescription());
        Thread.sleep(50);
        assertEquals(1, out.endings.get(), "one ending only");
        assertEquals(700, out.answers.size(), "nothing after the error");
        assertFalse(out.overlapped);
    }

    @Test
    void anEmptyStream_completes_andAFirstItemFailure_answersNothing() throws Exception {
        Recorder empty = new Recorder();
        new OrderedParallelStream<Integer, Integer>(empty, i -> i, pool, 2, 8).onCompleted();
        assertTrue(empty.ended.await(10, TimeUnit.SECONDS));
        assertTrue(empty.completed);

        Recorder first = new Recorder();
        var stream = new OrderedParallelStream<Integer, Integer>(first, i -> {
            throw new SealerException(Reason.UNKNOWN_SEAL, "no seal");
        }, pool, 2, 8);
        stream.onNext(1);
        stream.onNext(2);
        assertTrue(first.ended.await(10, TimeUnit.SECONDS));
        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(first.error).getCode());
        assertTrue(first.answers.isEmpty());
    }

    @Test
    void manyStreamsOnASmallPool_allFinish() throws Exception {
        // more streams than threads, each longer than one burst: a drain must yield its thread to other streams
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Recorder> outs = new ArrayList<>();
            for (int s = 0; s < 8; s++) {
                Recorder out = new Recorder();
                outs.add(out);
                var stream = new OrderedParallelStream<Integer, Integer>(out, i -> i + 1, two, 2, 10_000);
                for (int i = 0; i < 5 * OrderedParallelStream.BURST + 3; i++) {
                    stream.onNext(i);
                }
                stream.onCompleted();
            }
            for (Recorder out : outs) {
                assertTrue(out.ended.await(30, TimeUnit.SECONDS));
                assertTrue(out.completed);
                assertEquals(5 * OrderedParallelStream.BURST + 3, out.answers.size());
                assertEquals(1, out.answers.getFirst());
            }
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void aStoppedPool_failsTheStreamUnavailable_insteadOfHanging() throws Exception {
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        Recorder out = new Recorder();
        var stream = new OrderedParallelStream<Integer, Integer>(out, i -> i, stopped, 1, 8);
        stream.onNext(1);
        assertTrue(out.ended.await(10, TimeUnit.SECONDS));
        assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(out.error).getCode());
    }
}
