package dev.sealer.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Puts {@code request_id}, {@code caller} and (when the request names one) {@code seal_id} into
 * the logging MDC for every line the service logs while it handles a call, so a JSON log line
 * ({@code quarkus.log.console.json.enabled=true}) or a {@code %X{...}} pattern carries them.
 *
 * <p>{@code request_id} is the caller's {@code x-request-id} header when it is a short token
 * ({@code [A-Za-z0-9._:-]{1,64}}), else 16 random hex digits; the server returns it in the
 * {@code x-request-id} response header. Runs just inside {@link AccessControl}, which has
 * established the caller. Lines of the shared writer threads (group commit, checkpointer,
 * audit writer) belong to batches of many calls and carry no request MDC.
 */
@Singleton
@GlobalInterceptor
public class RequestLogContext implements ServerInterceptor, Prioritized {
    public static final String REQUEST_ID = "request_id";
    public static final String CALLER = "caller";
    public static final String SEAL_ID = "seal_id";
    static final Metadata.Key<String> HEADER = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public int getPriority() {
        return 999_999; // right after AccessControl (1,000,000): the caller is known
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String given = headers.get(HEADER);
        String requestId = given != null && TOKEN.matcher(given).matches() ? given : newId();
        String caller = CallerIdentity.current();
        ServerCall<Q, R> withHeader = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(HEADER, requestId);
                super.sendHeaders(responseHeaders);
            }
        };
        Scope scope = new Scope(requestId, caller);
        ServerCall.Listener<Q> listener = scope.run(() -> next.startCall(withHeader, headers));
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                scope.sealId(message);
                scope.run(() -> {
                    super.onMessage(message);
                    return null;
                });
            }

            @Override
            public void onHalfClose() {
                scope.run(() -> {
                    super.onHalfClose();
                    return null;
                });
            }

            @Override
            public void onCancel() {
                scope.run(() -> {
                    super.onCancel();
                    return null;
                });
            }

            @Override
            public void onComplete() {
                scope.run(() -> {
                    super.onComplete();
                    return null;
                });
            }

            @Override
            public void onReady() {
                scope.run(() -> {
                    super.onReady();
                    return null;
                });
            }
        };
    }

    private static String newId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The MDC values of one call, set around each of its callbacks and restored after. */
    static final class Scope {
        private final String requestId;
        private final String caller;
        private volatile String sealId;

        Scope(String requestId, String caller) {
            this.requestId = requestId;
            this.caller = caller;
        }

        /** The request's {@code seal_id} field, for the calls that name a seal (GetSeal, Verify, proofs). */
        void sealId(Object message) {
            if (message instanceof Message m) {
                FieldDescriptor f = m.getDescriptorForType().findFieldByName("seal_id");
                if (f != null && f.getType() == FieldDescriptor.Type.STRING && !f.isRepeated()) {
                    String id = (String) m.getField(f);
                    if (!id.isEmpty() && id.length() <= 64) {
                        sealId = id;
                    }
                }
            }
        }

        <T> T run(java.util.function.Supplier<T> body) {
            Object previousRequest = MDC.get(REQUEST_ID);
            Object previousCaller = MDC.get(CALLER);
            Object previousSeal = MDC.get(SEAL_ID);
            MDC.put(REQUEST_ID, requestId);
            MDC.put(CALLER, caller);
            String seal = sealId;
            if (seal != null) {
                MDC.put(SEAL_ID, seal);
            }
            try {
                return body.get();
            } finally {
                restore(REQUEST_ID, previousRequest);
                restore(CALLER, previousCaller);
                restore(SEAL_ID, previousSeal);
            }
        }

        private static void restore(String key, Object previous) {
            if (previous == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, previous);
            }
        }
    }

    /** Puts the seal id of a seal just made into the MDC of the current call (a handler on the call's thread). */
    public static void sealed(String sealId) {
        if (MDC.get(REQUEST_ID) != null) {
            MDC.put(SEAL_ID, sealId);
        }
    }

    /** The MDC of the current call, captured on its thread, to put back where the call completes later (another thread). */
    public static Captured capture() {
        Object requestId = MDC.get(REQUEST_ID);
        Object caller = MDC.get(CALLER);
        return new Captured(requestId == null ? null : requestId.toString(), caller == null ? null : caller.toString());
    }

    /** A call's MDC values, for a completion on another thread. */
    public record Captured(String requestId, String caller) {
        /** Runs {@code body} with the call's MDC, and {@code sealId} as its seal id (may be null). */
        public void run(String sealId, Runnable body) {
            if (requestId == null) {
                body.run();
                return;
            }
            Scope scope = new Scope(requestId, caller);
            scope.sealId = sealId;
            scope.run(() -> {
                body.run();
                return null;
            });
        }
    }
}
