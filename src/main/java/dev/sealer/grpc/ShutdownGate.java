package dev.sealer.grpc;

import dev.sealer.app.seal.ShutdownDrain;
import dev.sealer.core.error.Reason;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Once SIGTERM started the drain ({@link ShutdownDrain}), every new call of every method is
 * answered at once with UNAVAILABLE / SHUTTING_DOWN, before anything else looks at it: the calls
 * admitted earlier finish, and no call reaches a service whose beans are being destroyed.
 */
@Singleton
@GlobalInterceptor
public class ShutdownGate implements ServerInterceptor, Prioritized {
    @Inject
    ShutdownDrain drain;

    @Override
    public int getPriority() {
        // the outermost interceptor, even before Quarkus hands a @Blocking call to a worker thread (its dispatch has
        // priority Integer.MAX_VALUE - 60): a refused call never waits for a worker
        return Integer.MAX_VALUE - 10;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!drain.draining()) {
            return next.startCall(call, headers);
        }
        StatusRuntimeException refused = ErrorMapper.status(ErrorMapper.code(Reason.SHUTTING_DOWN), Reason.SHUTTING_DOWN.name(),
                "the service is shutting down: retry on another instance or after the restart");
        call.close(refused.getStatus(), refused.getTrailers() == null ? new Metadata() : refused.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }
}
