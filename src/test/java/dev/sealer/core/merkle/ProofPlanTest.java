package dev.sealer.core.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProofPlanTest {

    @Test
    void inclusionRejectsIndexOutsideTheTree() {
        assertMessage(() -> ProofPlan.inclusion(5, 5), "0 <= index < size");
        assertMessage(() -> ProofPlan.inclusion(-1, 5), "0 <= index < size");
        assertMessage(() -> ProofPlan.inclusion(0, 0), "0 <= index < size");
    }

    @Test
    void consistencyRejectsEmptyFirstTreeAndShrinkingSizes() {
        assertMessage(() -> ProofPlan.consistency(0, 5), "0 < size1 <= size2");
        assertMessage(() -> ProofPlan.consistency(6, 5), "0 < size1 <= size2");
        assertMessage(() -> ProofPlan.consistency(-1, 5), "0 < size1 <= size2");
    }

    @Test
    void equalSizesAndSingleLeafNeedNoNodes() {
        assertEquals(List.of(), ProofPlan.consistency(7, 7).nodeIds());
        assertEquals(0, ProofPlan.inclusion(0, 1).proofSize());
        assertEquals(List.of(), ProofPlan.inclusion(0, 1).rehash(List.of()));
    }

    @Test
    void inclusionInUnbalancedTreeRebuildsTheEphemeralRightNode() {
        // Tree of 7: leaf 0's proof is leaf 1, node [2,4), then the ephemeral [4,7) = (1,2) + (0,6).
        ProofPlan p = ProofPlan.inclusion(0, 7);
        assertEquals(List.of(NodeId.leaf(1), new NodeId(1, 1), new NodeId(1, 2), NodeId.leaf(6)), p.nodeIds());
        assertEquals(3, p.proofSize());
    }

    @Test
    void consistencyFromPowerOfTwoOmitsTheKnownOldRoot() {
        // 4 -> 7: old root (2,0) is known; proof = ephemeral [4,7) only.
        assertEquals(List.of(new NodeId(1, 2), NodeId.leaf(6)), ProofPlan.consistency(4, 7).nodeIds());
        // 3 -> 7: leaf 2, leaf 3, node [0,2), ephemeral [4,7).
        assertEquals(List.of(NodeId.leaf(2), NodeId.leaf(3), new NodeId(1, 0), new NodeId(1, 2), NodeId.leaf(6)),
                ProofPlan.consistency(3, 7).nodeIds());
    }

    @Test
    void hugeTreeSizesPlanWithoutOverflow() {
        ProofPlan p = ProofPlan.inclusion(Long.MAX_VALUE - 1, Long.MAX_VALUE);
        assertEquals(62, p.proofSize());
        ProofPlan c = ProofPlan.consistency(1L << 40, Long.MAX_VALUE);
        assertTrue(c.nodeIds().stream().allMatch(id -> id.isCompleteIn(Long.MAX_VALUE)));
    }

    @Test
    void rehashRejectsWrongCountAndBadHashes() {
        ProofPlan p = ProofPlan.inclusion(0, 7);
        assertThrows(IllegalArgumentException.class, () -> p.rehash(List.of(new byte[32])));
        assertThrows(IllegalArgumentException.class,
                () -> p.rehash(List.of(new byte[32], new byte[32], new byte[32], new byte[31])));
        assertEquals(3, p.rehash(Collections.nCopies(4, new byte[32])).size());
    }

    private static void assertMessage(Runnable r, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
