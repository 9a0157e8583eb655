package dev.sealer.core.integrity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The message a row authenticator covers: {@code "sealer/v1/row\n"}, then the table name and
 * every field, each as a one-byte type tag and a value:
 *
 * <pre>
 * 'T' len(4, big-endian) UTF-8        the table name (first field, always)
 * 'L' 8 bytes big-endian               a 64-bit integer
 * 'B' len(4) bytes                     a byte string
 * 'S' len(4) UTF-8                     a text
 * 'U' 8 bytes big-endian               a time: microseconds since 1970-01-01T00:00:00Z
 * 'N'                                  SQL NULL
 * </pre>
 *
 * Type tags and lengths make the encoding injective, so no two different rows share a message.
 */
public final class RowMessage {
    public static final String DOMAIN = "sealer/v1/row\n";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    private RowMessage(String table) {
        out.writeBytes(DOMAIN.getBytes(StandardCharsets.US_ASCII));
        tagged('T', table.getBytes(StandardCharsets.UTF_8));
    }

    public static RowMessage of(String table) {
        return new RowMessage(table);
    }

    public RowMessage integer(long v) {
        out.write('L');
        long64(v);
        return this;
    }

    public RowMessage bytes(byte[] v) {
        if (v == null) {
            return nul();
        }
        tagged('B', v);
        return this;
    }

    public RowMessage text(String v) {
        if (v == null) {
            return nul();
        }
        tagged('S', v.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public RowMessage time(Instant t) {
        if (t == null) {
            return nul();
        }
        out.write('U');
        long64(ChronoUnit.MICROS.between(Instant.EPOCH, t));
        return this;
    }

    private RowMessage nul() {
        out.write('N');
        return this;
    }

    private void tagged(char type, byte[] v) {
        out.write(type);
        int n = v.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(v);
    }

    private void long64(long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
