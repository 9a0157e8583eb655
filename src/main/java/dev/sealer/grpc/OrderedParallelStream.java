package dev.sealer.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The request side of a bidirectional stream whose items are independent: each request is
 * answered by {@code work}, several at a time on {@code executor}, and the answers leave in
 * request order. The first request whose {@code work} throws ends the stream with that error
 * (through {@link ErrorMapper}) after every earlier answer; later requests are dropped.
 *
 * <p>Thread hand-offs are per burst, not per item: {@link #onNext} only queues the request and,
 * when fewer than {@code parallelism} drains of this stream are running, starts one; a drain
 * takes requests until the queue is empty (at most {@link #BURST} in a row, then it goes to the
 * back of the executor's queue so other streams get their turn). Answers are sent by whichever
 * drain completes the oldest outstanding item, one sender at a time.
 *
 * <p>Flow control: with a {@link ServerCallStreamObserver} (always, on a real call) automatic
 * inbound flow control is turned off and at most {@code window} requests are accepted but not yet
 * answered, so a fast client cannot queue unbounded work; more are requested as answers leave.
 * Must be created inside the service method (before it returns).
 */
final class OrderedParallelStream<Q, R> implements StreamObserver<Q> {
    /** Items one drain handles before yielding its thread to other streams. */
    static final int BURST = 64;

    private final Function<Q, R> work;
    private final Executor executor;
    private final int parallelism;
    private final StreamObserver<R> out;
    private final ServerCallStreamObserver<R> call;

    private final Object lock = new Object();
    // guarded by lock
    private final ArrayDeque<Slot<Q, R>> waiting = new ArrayDeque<>(); // received, not yet taken by a drain
    private final ArrayDeque<Slot<Q, R>> unanswered = new ArrayDeque<>(); // in request order, until sent
    private int drains; // drains scheduled or running
    private boolean emitting; // a thread is sending answers
    private boolean halfClosed; // the client sent all its requests
    private boolean ended; // onCompleted/onError sent, or the client went away

    private static final class Slot<Q, R> {
        final Q request;
        R answer;
        RuntimeException error;
        boolean done;

        Slot(Q request) {
            this.request = request;
        }
    }

    OrderedParallelStream(StreamObserver<R> out, Function<Q, R> work, Executor executor, int parallelism, int window) {
        if (parallelism < 1 || window < 1) {
            throw new IllegalArgumentException("parallelism and window must be >= 1");
        }
        this.out = out;
        this.work = work;
        this.executor = executor;
        this.parallelism = parallelism;
        if (out instanceof ServerCallStreamObserver<R> c) {
            this.call = c;
            c.disableAutoRequest();
            c.setOnCancelHandler(this::abandon);
            c.request(window);
        } else {
            this.call = null;
        }
    }

    @Override
    public void onNext(Q request) {
        boolean start = false;
        synchronized (lock) {
            if (ended) {
                return;
            }
            Slot<Q, R> slot = new Slot<>(request);
            waiting.add(slot);
            unanswered.add(slot);
            if (drains < parallelism) {
                drains++;
                start = true;
            }
        }
        if (start) {
            submitDrain();
        }
    }

    @Override
    public void onError(Throwable t) {
        abandon();
    }

    @Override
    public void onCompleted() {
        boolean finish;
        synchronized (lock) {
            halfClosed = true;
            finish = mayFinish();
        }
        if (finish) {
            out.onCompleted();
        }
    }

    private void abandon() {
        synchronized (lock) {
            ended = true;
            waiting.clear();
            unanswered.clear();
        }
    }

    private void submitDrain() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException stopping) {
            // the pool is shut down: the service is stopping. Fail the queued items; the stream ends at the oldest of them, in order.
            synchronized (lock) {
                drains--;
                for (Slot<Q, R> s : waiting) {
                    s.error = ErrorMapper.status(Status.Code.UNAVAILABLE, "UNAVAILABLE", "the service is stopping");
                    s.done = true;
                }
                waiting.clear();
            }
            emit();
        }
    }

    private void drain() {
        for (int n = 0;; n++) {
            Slot<Q, R> slot;
            synchronized (lock) {
                if (ended || waiting.isEmpty()) {
                    drains--;
                    return;
                }
                if (n == BURST) { // yield: keep this drain's place, but behind other streams' work
                    break;
                }
                slot = waiting.poll();
            }
            R answer = null;
            RuntimeException error = null;
            try {
                answer = work.apply(slot.request);
            } catch (RuntimeException e) {
                error = e;
            }
            synchronized (lock) {
                slot.answer = answer;
                slot.error = error;
                slot.done = true;
            }
            emit();
        }
        submitDrain();
    }

    /** Sends every answer that is next in request order; one thread at a time, so the order holds. */
    private void emit() {
        synchronized (lock) {
            if (emitting || ended) {
                return; // the current sender will see this slot before it stops
            }
            emitting = true;
        }
        List<Slot<Q, R>> ready = new ArrayList<>();
        while (true) {
            boolean finish;
            RuntimeException error = null;
            synchronized (lock) {
                while (!ended && !unanswered.isEmpty() && unanswered.peek().done) {
                    Slot<Q, R> s = unanswered.poll();
                    if (s.error != null) {
                        error = s.error;
                        ended = true; // nothing after the failed item is answered
                        waiting.clear();
                        unanswered.clear();
                        break;
                    }
                    ready.add(s);
                }
                finish = false;
                if (ready.isEmpty() && error == null) {
                    emitting = false;
                    finish = mayFinish();
                    if (!finish) {
                        return;
                    }
                }
            }
            if (finish) {
                out.onCompleted();
                return;
            }
            for (Slot<Q, R> s : ready) {
                out.onNext(s.answer);
            }
            if (call != null && !ready.isEmpty() && error == null) {
                call.request(ready.size());
            }
            ready.clear();
            if (error != null) {
                out.onError(ErrorMapper.toStatus(error));
                synchronized (lock) {
                    emitting = false;
                }
                return;
            }
        }
    }

    /** Under lock: whether the stream is done now (all requests in and answered); if so it is marked ended. */
    private boolean mayFinish() {
        if (halfClosed && !ended && !emitting && unanswered.isEmpty()) {
            ended = true;
            return true;
        }
        return false;
    }
}
