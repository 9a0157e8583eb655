package dev.sealer.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint cadence: size, the ANCHORED batch and delay, the idle trigger (no seal on its way: anchor now), the
 * periodic checkpoint, each alone, and the rule against a plain reference over random states.
 */
class CheckpointPolicyTest {
    private static final long MS = 1_000_000L;
    private final CheckpointPolicy policy = new CheckpointPolicy(8192, 512, 10 * MS, 1000 * MS);

    @Test
    void nothingPending_neverDue() {
        assertFalse(policy.due(0, 50 * MS, 5000 * MS, false));
    }

    @Test
    void anchoredSeal_withNothingElseOnItsWay_isAnchoredAtOnce() {
        assertTrue(policy.due(1, 0, 1 * MS, false), "a lone ANCHORED caller does not wait for the 10 ms batch window");
        assertFalse(policy.due(1, 0, 1 * MS, true), "with other seals on their way it waits for them (batch or delay)");
        assertTrue(policy.due(1, 10 * MS, 1 * MS, true), "but never longer than the ANCHORED delay");
        assertTrue(policy.due(512, 0, 1 * MS, true), "or the ANCHORED batch");
    }

    @Test
    void signedSealsOnly_waitForThePeriodOrTheSize() {
        assertFalse(policy.due(100, CheckpointPolicy.NOBODY_WAITING, 10 * MS, false), "nobody waits for a SIGNED seal's checkpoint");
        assertTrue(policy.due(100, CheckpointPolicy.NOBODY_WAITING, 1000 * MS, false));
        assertTrue(policy.due(8192, CheckpointPolicy.NOBODY_WAITING, 0, true));
    }

    @Test
    void rule_matchesAReferenceOverRandomStates() {
        Random r = new Random(19);
        for (int i = 0; i < 100_000; i++) {
            long pending = r.nextInt(3) == 0 ? 0 : r.nextInt(10_000);
            long oldest = r.nextBoolean() ? CheckpointPolicy.NOBODY_WAITING : r.nextInt(20) * MS;
            long since = r.nextInt(2000) * MS;
            boolean others = r.nextBoolean();
            boolean expected = pending > 0 && (pending >= 8192 || since >= 1000 * MS
                    || oldest != CheckpointPolicy.NOBODY_WAITING && (pending >= 512 || oldest >= 10 * MS || !others));
            assertEquals(expected, policy.due(pending, oldest, since, others), pending + " " + oldest + " " + since + " " + others);
        }
    }
}
