package dev.sealer.core.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NodeIdTest {

    @Test
    void coversLeavesIndexTimesTwoToTheLevel() {
        NodeId n = new NodeId(2, 3);
        assertEquals(12, n.firstLeaf());
        assertEquals(15, n.lastLeaf());
        assertEquals(new NodeId(3, 1), n.parent());
        assertEquals(new NodeId(2, 2), n.sibling());
        assertEquals(NodeId.leaf(7), new NodeId(0, 7));
    }

    @Test
    void isCompleteOnlyWhenAllItsLeavesExist() {
        NodeId n = new NodeId(2, 1); // leaves 4..7
        assertFalse(n.isCompleteIn(0));
        assertFalse(n.isCompleteIn(7));
        assertTrue(n.isCompleteIn(8));
        assertTrue(n.isCompleteIn(100));
    }

    @Test
    void rejectsOutOfRangeCoordinatesWithoutOverflow() {
        assertThrows(IllegalArgumentException.class, () -> new NodeId(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new NodeId(64, 0));
        assertThrows(IllegalArgumentException.class, () -> new NodeId(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new NodeId(63, 1));
        assertEquals(Long.MAX_VALUE, new NodeId(63, 0).lastLeaf());
        assertEquals(Long.MAX_VALUE, new NodeId(0, Long.MAX_VALUE).lastLeaf());
    }
}
