package dev.sealer.app.storage;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The opaque page token of the time-ordered queries (seals, audit events): the time and the
 * tie-breaking key of the last row returned, base64url. One format for every paged query.
 */
public record PageCursor(Instant time, String key) {
    /** Rows are stamped by this service: a token's time lies in years 1..9999 (what PostgreSQL and protobuf both hold). */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /** The cursor in {@code token}, or null for the first page; a token this service did not issue is INVALID_ARGUMENT. */
    public static PageCursor decode(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII).split("\\|", 2);
            Instant time = Instant.parse(parts[0]);
            if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
                throw new IllegalArgumentException("no row carries this time");
            }
            return new PageCursor(time, parts[1]);
        } catch (RuntimeException e) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "page_token is not a token this service issued");
        }
    }

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((time + "|" + key).getBytes(StandardCharsets.US_ASCII));
    }
}
