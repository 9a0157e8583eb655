package dev.sealer.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is calling: the subject of the client's TLS certificate when the channel is mutual TLS,
 * else {@value #ANONYMOUS} (plaintext). The identity is what receipts record as the signer.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallerIdentity implements ServerInterceptor {
    public static final String ANONYMOUS = "anonymous";
    static final Context.Key<String> KEY = Context.key("sealer-caller");

    public static String current() {
        String id = KEY.get();
        return id == null ? ANONYMOUS : id;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(KEY, identify(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))),
                call, headers, next);
    }

    static String identify(SSLSession session) {
        if (session == null) {
            return ANONYMOUS;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
                return x.getSubjectX500Principal().getName();
            }
        } catch (SSLPeerUnverifiedException noClientCertificate) {
            return ANONYMOUS;
        }
        return ANONYMOUS;
    }
}
