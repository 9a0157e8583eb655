package dev.sealer.core.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sparse node store (only levels 4, 8, 12, ... plus leaves recomputed from receipts) against
 * the recursive RFC 6962 definitions in {@link ReferenceTree}: every complete node and every
 * inclusion and consistency proof served from it equals the reference.
 */
class StoredLevelsTest {
    private static final int LEAVES = 700;

    private static byte[] leaf(int i) {
        return Rfc6962.leafHash(ByteBuffer.allocate(4).putInt(i).array());
    }

    /** What the log would hold after appending LEAVES leaves: leaf hashes (from receipts) and the stored-level nodes. */
    private static Map<NodeId, byte[]> sparseStore(ReferenceTree ref) {
        Map<NodeId, byte[]> store = new HashMap<>();
        TreeAppender appender = new TreeAppender();
        for (int i = 0; i < LEAVES; i++) {
            ref.add(leaf(i));
            for (NodeHash n : appender.append(leaf(i))) {
                if (n.id().level() == 0 || StoredLevels.isStored(n.id().level())) {
                    store.put(n.id(), n.hash());
                }
            }
        }
        return store;
    }

    @Test
    void onlyPositiveMultiplesOfTheStrideAreStored_aboutOneRowPer15Leaves() {
        ReferenceTree ref = new ReferenceTree();
        Map<NodeId, byte[]> store = sparseStore(ref);
        long internal = store.keySet().stream().filter(id -> id.level() > 0).count();
        assertEquals(LEAVES / 16 + LEAVES / 256, internal);
        assertTrue(store.keySet().stream().allMatch(id -> id.level() == 0 || id.level() % 4 == 0));
    }

    @Test
    void everyCompleteNode_rebuiltFromAtMost8StoredHashes_equalsTheReferenceTree() {
        ReferenceTree ref = new ReferenceTree();
        Map<NodeId, byte[]> store = sparseStore(ref);
        for (int level = 0; level <= 9; level++) {
            for (long idx = 0; ((idx + 1) << level) <= LEAVES; idx++) {
                NodeId id = new NodeId(level, idx);
                assertTrue(StoredLevels.sources(id).size() <= 8, id.toString());
                byte[] got = StoredLevels.resolve(List.of(id), needed -> fetch(store, needed)).getFirst();
                assertArrayEquals(ref.mth((int) id.firstLeaf(), (int) id.lastLeaf() + 1), got, id.toString());
            }
        }
    }

    @Test
    void inclusionAndConsistencyProofs_servedFromTheSparseStore_equalTheReference() {
        ReferenceTree ref = new ReferenceTree();
        Map<NodeId, byte[]> store = sparseStore(ref);
        for (int n : new int[] {1, 2, 15, 16, 17, 255, 256, 257, 511, 699, 700}) {
            for (int m = 0; m < n; m += Math.max(1, n / 37)) {
                ProofPlan plan = ProofPlan.inclusion(m, n);
                List<byte[]> proof = plan.rehash(StoredLevels.resolve(plan.nodeIds(), needed -> fetch(store, needed)));
                assertProofEquals(ref.path(m, n), proof, "inclusion " + m + " in " + n);
                if (m > 0) {
                    ProofPlan c = ProofPlan.consistency(m, n);
                    assertProofEquals(ref.proof(m, n), c.rehash(StoredLevels.resolve(c.nodeIds(), needed -> fetch(store, needed))), "consistency " + m + " -> " + n);
                }
            }
        }
    }

    @Test
    void aMissingStoredNode_isReportedNotGuessed() {
        Map<NodeId, byte[]> store = sparseStore(new ReferenceTree());
        store.remove(new NodeId(4, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StoredLevels.resolve(List.of(new NodeId(6, 0)), needed -> fetch(store, needed)));
        assertTrue(e.getMessage().contains("level=4"), e.getMessage());
    }

    private static Map<NodeId, byte[]> fetch(Map<NodeId, byte[]> store, java.util.Collection<NodeId> needed) {
        Map<NodeId, byte[]> out = new HashMap<>();
        for (NodeId id : needed) {
            assertTrue(id.level() == 0 || StoredLevels.isStored(id.level()), "asked for an unstored node " + id);
            if (store.containsKey(id)) {
                out.put(id, store.get(id));
            }
        }
        return out;
    }

    private static void assertProofEquals(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        List<String> e = new ArrayList<>();
        List<String> a = new ArrayList<>();
        expected.forEach(h -> e.add(java.util.HexFormat.of().formatHex(h)));
        actual.forEach(h -> a.add(java.util.HexFormat.of().formatHex(h)));
        assertEquals(e, a, what);
    }
}
