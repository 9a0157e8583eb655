package dev.sealer.core.time;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one time format of Sealer documents (receipts, suite certificates, status lists, trust
 * bundles, checkpoint time lines, suite events): RFC 3339, UTC, {@code Z}, exactly six fraction
 * digits, e.g. {@code 2026-11-21T23:36:08.123456Z}.
 */
public final class Rfc3339 {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Rfc3339() {
    }

    /** {@code t} truncated to microseconds, in the canonical form. */
    public static String format(Instant t) {
        return TIME.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    /** Parses the canonical form only (any other spelling of the same instant is refused): MALFORMED_BUNDLE otherwise. */
    public static Instant parse(String text) {
        try {
            Instant t = Instant.from(TIME.parse(text));
            if (!format(t).equals(text)) {
                throw new IllegalArgumentException();
            }
            return t;
        } catch (RuntimeException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "time '" + text + "' is not RFC 3339 UTC with microseconds");
        }
    }
}
