package dev.sealer.core.seal;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Seal ids are time-ordered: the UUIDv7 layout (RFC 9562 §5.7) with the receipt's
 * {@code committed_at} in it, milliseconds in the top 48 bits and the microsecond within the
 * millisecond (0..999) in the 12-bit {@code rand_a} field (RFC 9562 §6.2 method 3), followed by
 * 62 random bits. Comparing two ids byte by byte (as PostgreSQL compares {@code uuid}) therefore
 * orders them exactly by (committed_at, seal_id), so one index serves lookups by id and queries
 * by commit time.
 */
public final class SealIds {
    private SealIds() {
    }

    /** A new id for a receipt committed at {@code committedAt} (microsecond precision). */
    public static UUID next(Instant committedAt) {
        long random = nextRandom();
        long variantAndRandom = (random & 0x3fffffffffffffffL) | 0x8000000000000000L; // variant 10, 62 random bits
        return new UUID(timeBits(committedAt), variantAndRandom);
    }

    /**
     * Random bits drawn 512 bytes at a time from one shared {@link SecureRandom}: one call per 64
     * ids instead of a call per id on the contended generator behind {@code UUID.randomUUID()},
     * and no generator to seed for every new thread (request threads come and go).
     */
    private static final SecureRandom SHARED = new SecureRandom();
    private static final ThreadLocal<java.nio.ByteBuffer> RANDOM = ThreadLocal.withInitial(() -> {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(512);
        return b.position(b.limit());
    });

    private static long nextRandom() {
        java.nio.ByteBuffer b = RANDOM.get();
        if (b.remaining() < Long.BYTES) {
            SHARED.nextBytes(b.array());
            b.clear();
        }
        return b.getLong();
    }

    /** The smallest id any receipt committed at or after {@code t} can have. */
    public static UUID lowerBound(Instant t) {
        return new UUID(timeBits(t), 0L);
    }

    /** Whether {@code id} carries exactly this commit time (what {@link #next} produced for it). */
    public static boolean carries(UUID id, Instant committedAt) {
        return id.version() == 7 && id.getMostSignificantBits() == timeBits(committedAt);
    }

    private static long timeBits(Instant t) {
        Instant micros = t.truncatedTo(ChronoUnit.MICROS);
        long millis = micros.toEpochMilli();
        if (millis < 0 || millis >= (1L << 48)) {
            throw new IllegalArgumentException("time " + t + " does not fit a time-ordered seal id");
        }
        long subMilli = (micros.getNano() / 1_000) % 1_000;
        return (millis << 16) | 0x7000L | subMilli;
    }
}
