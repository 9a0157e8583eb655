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
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The bound on unary calls in flight, of every method: at most
 * {@code sealer.admission.max-unary-in-flight} unary calls are admitted at once (waiting for a
 * worker, running, or waiting for their commit); one more is answered at once with
 * RESOURCE_EXHAUSTED / OVERLOADED and a RetryInfo delay, before it takes a worker or any memory
 * beyond its request. A call's place is freed when it is answered or cancelled. Streams have
 * their own bounds (per-stream parallelism, the commit queue).
 */
@Singleton
@GlobalInterceptor
public class CallAdmission implements ServerInterceptor, Prioritized {
    private final Semaphore places;
    private final int limit;
    private final io.micrometer.core.instrument.Counter shed;

    @Inject
    CallAdmission(@ConfigProperty(name = "sealer.admission.max-unary-in-flight", defaultValue = "1024") int limit,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this(limit, metrics.counter("sealer.admission.unary.shed"));
    }

    CallAdmission(int limit, io.micrometer.core.instrument.Counter shed) {
        if (limit < 1) {
            throw new IllegalArgumentException("sealer.admission.max-unary-in-flight must be at least 1, not " + limit);
        }
        this.limit = limit;
        this.places = new Semaphore(limit);
        this.shed = shed;
    }

    @Override
    public int getPriority() {
        return 1_500_000; // after ShutdownGate, before AccessControl: shedding costs nothing
    }

    /** Unary calls admitted and not yet answered. */
    int inFlight() {
        return limit - places.availablePermits();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
            return next.startCall(call, headers);
        }
        if (!places.tryAcquire()) {
            shed.increment();
            StatusRuntimeException refused = ErrorMapper.status(Status.Code.RESOURCE_EXHAUSTED, Reason.OVERLOADED.name(),
                    "more than " + limit + " unary calls in flight (sealer.admission.max-unary-in-flight): nothing was done; retry later");
            call.close(refused.getStatus(), refused.getTrailers() == null ? new Metadata() : refused.getTrailers());
            return new ServerCall.Listener<>() {
            };
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                places.release();
            }
        };
        ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
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
}
