package dev.sealer.grpc;

import com.google.common.collect.MapMaker;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Every request message gets a clear answer, even one that cannot be decoded.
 *
 * <p>grpc-java decodes a request before any handler or interceptor sees it, and a decoding failure
 * there ends the call with {@code UNKNOWN "Application error processing RPC"} and no reason. So each
 * service definition is rewritten ({@link #wrap}): its request marshaller reads the bytes itself,
 * refuses a message over {@code sealer.grpc.max-request-bytes} ({@link Reason#MESSAGE_TOO_LARGE}) and
 * a message protobuf cannot decode ({@link Reason#MALFORMED_REQUEST}, naming the field where
 * {@link WireCheck} finds the defect), and in both cases hands on a fresh empty message of the request
 * type that is remembered as undecodable (an identity set with weak keys, so nothing is kept once the
 * call is gone). Interceptors (access control, audit) see a message of the right type as usual.
 *
 * <ul>
 * <li>Unary and server-streaming methods: the call is answered here with the reason, before the
 * handler runs; nothing else happens.</li>
 * <li>Client- and bidirectional-streaming methods: the undecodable message reaches the handler, which
 * calls {@link #check} on every request, so the stream fails in order like for any other invalid
 * item (the answers to earlier items are sent first).</li>
 * </ul>
 */
final class RequestDecoding {
    /** Default largest request the service decodes; the gRPC transport's own limit (4 MiB) must be larger. */
    static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;

    /** Messages that stand for a request that could not be decoded, with the error to answer. Identity, weak keys. */
    private static final Map<Object, SealerException> UNDECODABLE = new MapMaker().weakKeys().concurrencyLevel(4).makeMap();

    private RequestDecoding() {
    }

    /** The definition with every method's requests decoded by {@link #wrap(MethodDescriptor, int)}'s marshaller. */
    static ServerServiceDefinition wrap(ServerServiceDefinition definition) {
        int max = ConfigProvider.getConfig().getOptionalValue("sealer.grpc.max-request-bytes", Integer.class).orElse(DEFAULT_MAX_REQUEST_BYTES);
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        ServiceDescriptor original = definition.getServiceDescriptor();
        ServiceDescriptor.Builder service = ServiceDescriptor.newBuilder(original.getName()).setSchemaDescriptor(original.getSchemaDescriptor());
        for (ServerMethodDefinition<?, ?> m : definition.getMethods()) {
            ServerMethodDefinition<?, ?> wrapped = wrapMethod(m, max);
            methods.add(wrapped);
            service.addMethod(wrapped.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.build());
        methods.forEach(b::addMethod);
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> wrapMethod(ServerMethodDefinition<Q, R> m, int maxBytes) {
        MethodDescriptor<Q, R> method = m.getMethodDescriptor();
        MethodDescriptor<Q, R> decoded = method.toBuilder(new CheckedMarshaller<>(method, maxBytes), method.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = m.getServerCallHandler();
        if (!method.getType().clientSendsOneMessage()) {
            return ServerMethodDefinition.create(decoded, handler); // streaming handlers call check() per item
        }
        return ServerMethodDefinition.create(decoded, (call, headers) -> answerUndecodable(call, headers, handler));
    }

    /**
     * Throws the {@link SealerException} (MALFORMED_REQUEST or MESSAGE_TOO_LARGE) for a request that
     * stands for undecodable bytes; does nothing for any other message. Streaming handlers call it per item.
     */
    static void check(Object request) {
        SealerException e = UNDECODABLE.get(request);
        if (e != null) {
            throw new SealerException(e.reason(), e.getMessage());
        }
    }

    /** Whether {@code request} stands for bytes that could not be decoded. */
    static boolean undecodable(Object request) {
        return UNDECODABLE.containsKey(request);
    }

    /** Unary: an undecodable request is answered with its reason; the handler never sees it, nor the half-close after it. */
    private static <Q, R> ServerCall.Listener<Q> answerUndecodable(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> inner = next.startCall(call, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
            private boolean answered; // listener callbacks are serialised by gRPC

            @Override
            public void onMessage(Q message) {
                if (answered) {
                    return;
                }
                SealerException e = UNDECODABLE.get(message);
                if (e == null) {
                    super.onMessage(message);
                    return;
                }
                answered = true;
                StatusRuntimeException s = ErrorMapper.toStatus(e);
                call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
            }

            @Override
            public void onHalfClose() {
                if (!answered) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                if (!answered) {
                    super.onReady();
                }
            }
        };
    }

    /**
     * Reads a request's bytes and decodes them with the method's own marshaller; never throws for
     * bad bytes. What it cannot decode becomes a fresh empty message remembered in {@link #UNDECODABLE}.
     */
    static final class CheckedMarshaller<Q> implements MethodDescriptor.Marshaller<Q> {
        private final MethodDescriptor<Q, ?> method;
        private final int maxBytes;
        private final Descriptors.Descriptor type;
        private final Message prototype;

        @SuppressWarnings("unchecked")
        CheckedMarshaller(MethodDescriptor<Q, ?> method, int maxBytes) {
            this.method = method;
            this.maxBytes = maxBytes;
            if (!(method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p && p.getMessagePrototype() instanceof Message m)) {
                throw new IllegalStateException(method.getFullMethodName() + " does not take protobuf messages");
            }
            this.prototype = m;
            this.type = m.getDescriptorForType();
        }

        @Override
        public InputStream stream(Q value) {
            return method.getRequestMarshaller().stream(value);
        }

        @Override
        public Q parse(InputStream stream) {
            byte[] bytes;
            try {
                bytes = stream.readNBytes(maxBytes + 1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (bytes.length > maxBytes) {
                return undecodable(new SealerException(Reason.MESSAGE_TOO_LARGE, "the request is larger than " + maxBytes
                        + " bytes (sealer.grpc.max-request-bytes); nothing was done"));
            }
            try {
                return method.getRequestMarshaller().parse(new ByteArrayInputStream(bytes));
            } catch (RuntimeException e) {
                return undecodable(WireCheck.malformed(type, bytes));
            }
        }

        @SuppressWarnings("unchecked")
        private Q undecodable(SealerException e) {
            Q marker = (Q) prototype.newBuilderForType().buildPartial(); // a new instance: identity marks it
            UNDECODABLE.put(marker, e);
            return marker;
        }
    }
}
