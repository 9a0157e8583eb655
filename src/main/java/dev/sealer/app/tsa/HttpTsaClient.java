package dev.sealer.app.tsa;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;

/**
 * An RFC 3161 client over the HTTP transport (RFC 3161 §3.4): {@code POST} of a DER
 * {@code TimeStampReq} as {@code application/timestamp-query}, answer {@code application/timestamp-reply}.
 * The response is checked to answer this request (imprint, nonce, status granted); the token's
 * signature is checked by the caller against the TSA's trust anchors.
 */
public final class HttpTsaClient implements TsaClient {
    /** A reply larger than this is refused: a token with its certificates is a few kilobytes. */
    static final int MAX_REPLY_BYTES = 64 * 1024;

    private final String name;
    private final URI url;
    private final Duration timeout;
    private final HttpClient http;

    public HttpTsaClient(String name, URI url, Duration timeout) {
        this.name = name;
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] timestamp(byte[] imprint, BigInteger nonce) {
        TimeStampRequestGenerator gen = new TimeStampRequestGenerator();
        gen.setCertReq(true);
        TimeStampRequest request = gen.generate(NISTObjectIdentifiers.id_sha256, imprint, nonce);
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/timestamp-query")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded())).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw unavailable("HTTP " + r.statusCode());
            }
            if (!r.headers().firstValue("Content-Type").orElse("").startsWith("application/timestamp-reply")) {
                throw unavailable("the reply is not application/timestamp-reply");
            }
            if (r.body().length > MAX_REPLY_BYTES) {
                throw unavailable("the reply has more than " + MAX_REPLY_BYTES + " bytes");
            }
            TimeStampResponse response = new TimeStampResponse(r.body());
            response.validate(request); // granted, answers this imprint and nonce
            return response.getTimeStampToken().getEncoded();
        } catch (SealerException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        } catch (IOException | org.bouncycastle.tsp.TSPException | RuntimeException e) {
            throw unavailable(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private SealerException unavailable(String what) {
        return new SealerException(Reason.TSA_UNAVAILABLE, "time-stamping authority " + name + " (" + url + ") gave no token: " + what);
    }
}
