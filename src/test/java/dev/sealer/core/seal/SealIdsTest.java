package dev.sealer.core.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Time-ordered seal ids: byte order (PostgreSQL's uuid order) is (committed_at, seal_id) order. */
class SealIdsTest {
    private static final Comparator<UUID> BYTES = (a, b) -> Arrays.compareUnsigned(bytes(a), bytes(b));

    private static byte[] bytes(UUID u) {
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }

    record Seal(Instant t, UUID id) {
    }

    @Test
    void byteOrderOfIds_isCommitTimeOrderToTheMicrosecond() {
        Instant base = Instant.parse("2026-11-22T01:02:03.000000Z");
        List<Seal> seals = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Instant t = base.plusNanos(ThreadLocalRandom.current().nextLong(0, 3_000_000_000L) / 1000 * 1000);
            seals.add(new Seal(t, SealIds.next(t)));
        }
        List<Seal> byId = new ArrayList<>(seals);
        byId.sort(Comparator.comparing(Seal::id, BYTES));
        List<Seal> byTimeThenId = new ArrayList<>(seals);
        byTimeThenId.sort(Comparator.comparing(Seal::t).thenComparing(Seal::id, BYTES));
        assertEquals(byTimeThenId, byId);
    }

    @Test
    void idsAreVersion7WithTheRfcVariant_andCarryTheirTime() {
        Instant t = Instant.parse("2026-11-22T01:02:03.123456Z");
        UUID id = SealIds.next(t);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertTrue(SealIds.carries(id, t));
        assertFalse(SealIds.carries(id, t.plusNanos(1000)));
        assertFalse(SealIds.carries(UUID.randomUUID(), t));
    }

    @Test
    void lowerBound_isBelowEveryIdAtOrAfterTheTime_andAboveEveryIdBefore() {
        Instant t = Instant.parse("2026-11-22T01:02:03.123456Z");
        UUID bound = SealIds.lowerBound(t);
        for (int i = 0; i < 1000; i++) {
            assertTrue(BYTES.compare(SealIds.next(t), bound) >= 0);
            assertTrue(BYTES.compare(SealIds.next(t.plusNanos(1000L * (1 + i))), bound) > 0);
            assertTrue(BYTES.compare(SealIds.next(t.minusNanos(1000L * (1 + i))), bound) < 0);
        }
    }

    @Test
    void twoSealsInTheSameMicrosecond_getDistinctIds() {
        Instant t = Instant.parse("2026-11-22T01:02:03.123456Z");
        assertFalse(SealIds.next(t).equals(SealIds.next(t)));
    }
}
