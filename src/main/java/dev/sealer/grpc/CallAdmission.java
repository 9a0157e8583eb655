package dev.sealer.grpc;

import dev.sealer.core.error.Reason;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Admission of unary calls, of every method, in two bounds:
 * <ol>
 * <li>a count: at most {@code sealer.admission.max-unary-in-flight} unary calls are admitted at once (waiting for a
 * worker thread, running, or waiting for their commit); one more is answered at once with RESOURCE_EXHAUSTED /
 * OVERLOADED and a RetryInfo delay, on the transport thread, before it waits for a worker or takes any memory beyond
 * its request. A call's place is freed when it is answered or cancelled.</li>
 * <li>a time ({@link QueueWait}): an admitted call that waited longer than {@code sealer.admission.max-queue-wait} for
 * a worker thread is answered the same way when the worker reaches it, without being run: under sustained overload the
 * calls that are run have waited at most that long, so their latency stays bounded whatever the count allows.</li>
 * </ol>
 * Streams have their own bounds (per-stream parallelism, the commit queue) and are not counted here.
 */
@Singleton
@GlobalInterceptor
public class CallAdmission implements ServerInterceptor, Prioritized {
    /** When the call arrived (System.nanoTime), stamped here and read by {@link QueueWait}; a caller's own value is removed. */
    static final Metadata.Key<String> ARRIVED = Metadata.Key.of("sealer-internal-arrived-nanos", Metadata.ASCII_STRING_MARSHALLER);

    private final Semaphore places;
    private final int limit;
    private final io.micrometer.core.instrument.Counter shed;
    private final LongSupplier nanoTime;

    /** Time from admission to the answer of each admitted unary call (what the service itself adds to a call's latency). */
    private io.micrometer.core.instrument.Timer inService;

    @Inject
    CallAdmission(@ConfigProperty(name = "sealer.admission.max-unary-in-flight", defaultValue = "1024") int limit,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this(limit, metrics.counter("sealer.admission.unary.shed", "bound", "in-flight"), System::nanoTime);
        inService = io.micrometer.core.instrument.Timer.builder("sealer.admission.unary.in.service")
                .description("time from admission to the answer of admitted unary calls").publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(java.time.Duration.ofMinutes(1)).register(metrics);
    }

    CallAdmission(int limit, io.micrometer.core.instrument.Counter shed, LongSupplier nanoTime) {
        if (limit < 1) {
            throw new IllegalArgumentException("sealer.admission.max-unary-in-flight must be at least 1, not " + limit);
        }
        this.limit = limit;
        this.places = new Semaphore(limit);
        this.shed = shed;
        this.nanoTime = nanoTime;
    }

    @Override
    public int getPriority() {
        // after ShutdownGate, and before Quarkus hands a @Blocking call to a worker thread (its dispatch has priority
        // Integer.MAX_VALUE - 60): the count covers the calls waiting for a worker, and shedding costs no worker
        return Integer.MAX_VALUE - 20;
    }

    /** Unary calls admitted and not yet answered. */
    int inFlight() {
        return limit - places.availablePermits();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        headers.removeAll(ARRIVED);
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
            return next.startCall(call, headers);
        }
        if (!places.tryAcquire()) {
            shed.increment();
            return refuse(call, "more than " + limit + " unary calls in flight (sealer.admission.max-unary-in-flight): nothing was done; retry later");
        }
        long arrived = nanoTime.getAsLong();
        headers.put(ARRIVED, Long.toString(arrived));
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                places.release();
            }
        };
        io.micrometer.core.instrument.Timer timer = inService;
        ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    if (timer != null && status.isOk()) {
                        timer.record(nanoTime.getAsLong() - arrived, java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                    release.run();
                }
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(counted, headers);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    release.run();
                }
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    release.run();
                }
            }
        };
    }

    /** Answers {@code call} OVERLOADED (with RetryInfo) at once; the returned listener ignores whatever else arrives. */
    static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String message) {
        StatusRuntimeException refused = ErrorMapper.status(Status.Code.RESOURCE_EXHAUSTED, Reason.OVERLOADED.name(), message);
        call.close(refused.getStatus(), refused.getTrailers() == null ? new Metadata() : refused.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }

    /**
     * The time bound, checked on the worker thread when it takes the call up (this interceptor runs after Quarkus's
     * dispatch to a worker): a unary call that waited longer than {@code sealer.admission.max-queue-wait} since
     * {@link CallAdmission} admitted it is answered OVERLOADED and never run.
     */
    @Singleton
    @GlobalInterceptor
    public static class QueueWait implements ServerInterceptor, Prioritized {
        private final long maxWaitNanos;
        private final Duration maxWait;
        private final io.micrometer.core.instrument.Counter shed;
        private final LongSupplier nanoTime;

        @Inject
        QueueWait(@ConfigProperty(name = "sealer.admission.max-queue-wait", defaultValue = "PT2S") Duration maxWait,
                io.micrometer.core.instrument.MeterRegistry metrics) {
            this(maxWait, metrics.counter("sealer.admission.unary.shed", "bound", "queue-wait"), System::nanoTime);
        }

        QueueWait(Duration maxWait, io.micrometer.core.instrument.Counter shed, LongSupplier nanoTime) {
            if (maxWait.isNegative() || maxWait.isZero()) {
                throw new IllegalArgumentException("sealer.admission.max-queue-wait must be positive, not " + maxWait);
            }
            this.maxWait = maxWait;
            this.maxWaitNanos = maxWait.toNanos();
            this.shed = shed;
            this.nanoTime = nanoTime;
        }

        @Override
        public int getPriority() {
            return 100; // the innermost: after the dispatch to a worker, access control and the log context
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String arrived = headers.get(ARRIVED);
            if (arrived != null) {
                long waited = nanoTime.getAsLong() - Long.parseLong(arrived);
                if (waited > maxWaitNanos) {
                    shed.increment();
                    return refuse(call, String.format("the call waited %d ms for a worker, longer than %d ms (sealer.admission.max-queue-wait): "
                            + "nothing was done; retry later", waited / 1_000_000, maxWait.toMillis()));
                }
            }
            return next.startCall(call, headers);
        }
    }
}
