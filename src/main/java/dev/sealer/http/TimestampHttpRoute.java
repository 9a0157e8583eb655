package dev.sealer.http;

import dev.sealer.app.tsa.TimestampAuthorities;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.tsa.TimestampAuthority;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The RFC 3161 HTTP transport (§3.4) of the built-in TSA on the HTTP port: {@code POST} a DER
 * {@code TimeStampReq} as {@code application/timestamp-query}; the answer is a DER
 * {@code TimeStampResp} as {@code application/timestamp-reply}: granted, or a rejection with its
 * {@code PKIFailureInfo} (HTTP 200 either way, as the RFC's status is in the body). 415 for another
 * content type, 413 for a body over 4096 bytes, 503 (with a {@code systemFailure} response) while
 * the TSA cannot sign. Only the hash travels; like Verify, it needs no client role.
 */
@Singleton
public class TimestampHttpRoute {
    private static final Logger LOG = Logger.getLogger(TimestampHttpRoute.class);
    public static final String QUERY = "application/timestamp-query";
    public static final String REPLY = "application/timestamp-reply";

    @Inject
    TimestampAuthorities authorities;
    @ConfigProperty(name = "sealer.tsa.http.path", defaultValue = "/tsa")
    String path;
    @ConfigProperty(name = "sealer.tsa.http.enabled", defaultValue = "true")
    boolean enabled;

    void route(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.post(path).handler(BodyHandler.create(false).setBodyLimit(TimestampAuthority.MAX_REQUEST_BYTES))
                .blockingHandler(this::handle, false); // signing goes through the HSM: off the event loop, not serialised
    }

    void handle(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(QUERY)) {
            ctx.response().setStatusCode(415).putHeader("Content-Type", "text/plain").end("Content-Type must be " + QUERY + "\n");
            return;
        }
        Buffer body = ctx.body().buffer();
        byte[] request = body == null ? new byte[0] : body.getBytes();
        try {
            byte[] reply = authorities.respond(request);
            ctx.response().setStatusCode(200).putHeader("Content-Type", REPLY).end(Buffer.buffer(reply));
        } catch (SealerException | IllegalStateException e) {
            LOG.debugf("time-stamp request not served: %s", e.getMessage());
            ctx.response().setStatusCode(503).putHeader("Content-Type", REPLY).putHeader("Retry-After", "1")
                    .end(Buffer.buffer(systemFailure("the time-stamping authority is unavailable")));
        }
    }

    private static byte[] systemFailure(String text) {
        try {
            return new TimeStampResponseGenerator(null, null).generateFailResponse(PKIStatus.REJECTION, PKIFailureInfo.systemFailure, text).getEncoded();
        } catch (Exception e) {
            return new byte[0];
        }
    }
}
