package dev.sealer.core.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks TreeAppender + ProofPlan + an in-memory node store (what the PostgreSQL store does:
 * one row per complete node) against the recursive RFC definitions in {@link ReferenceTree}:
 * roots, inclusion and consistency proofs must be identical and must verify, and a single-bit
 * flip anywhere in a proof, the leaf or a root must make verification fail.
 */
class TreeAgainstReferenceModelTest {

    private static final int MAX_SIZE = 1030;
    private static final long SEED = 0x5EA1E5L;

    private static final ReferenceTree REF = new ReferenceTree();
    private static final Map<NodeId, byte[]> STORE = new HashMap<>();
    private static final List<byte[]> LEAVES = new ArrayList<>();
    /** ROOTS.get(s) = root reported by the appender at size s. */
    private static final List<byte[]> ROOTS = new ArrayList<>();

    @BeforeAll
    static void buildTreeAndStoreEveryCompletedNode() {
        TreeAppender appender = new TreeAppender();
        ROOTS.add(appender.root());
        for (int i = 0; i < MAX_SIZE; i++) {
            byte[] leaf = Rfc6962.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8));
            LEAVES.add(leaf);
            REF.add(leaf);
            List<NodeHash> completed = appender.append(leaf);
            assertEquals(1 + Integer.numberOfTrailingZeros(~i), completed.size(), "nodes completed by leaf " + i);
            for (NodeHash n : completed) {
                assertNotNull(n.id());
                byte[] previous = STORE.put(n.id(), n.hash());
                assertEquals(null, previous, "node completed twice: " + n.id());
            }
            ROOTS.add(appender.root());
        }
    }

    @Test
    void appenderRootEqualsReferenceRootAtEverySize() {
        for (int s = 0; s <= MAX_SIZE; s++) {
            assertArrayEquals(REF.mth(0, s), ROOTS.get(s), "root at size " + s);
        }
    }

    @Test
    void storeHoldsExactlyTheCompleteNodesWithReferenceHashes() {
        int expected = 0;
        for (int level = 0; (MAX_SIZE >> level) > 0; level++) {
            for (long index = 0; index < (MAX_SIZE >> level); index++) {
                NodeId id = new NodeId(level, index);
                assertTrue(id.isCompleteIn(MAX_SIZE));
                byte[] h = STORE.get(id);
                assertNotNull(h, "missing " + id);
                assertArrayEquals(REF.mth((int) id.firstLeaf(), (int) id.lastLeaf() + 1), h, id.toString());
                expected++;
            }
        }
        assertEquals(expected, STORE.size());
    }

    @Test
    void restoredAppenderFromStoredCompactRangeContinuesIdentically() {
        Random rnd = new Random(SEED);
        for (int trial = 0; trial < 60; trial++) {
            int size = trial < 10 ? trial : rnd.nextInt(MAX_SIZE - 20);
            List<byte[]> hashes = fetch(TreeAppender.compactRange(size));
            TreeAppender t = TreeAppender.restore(size, hashes);
            assertEquals(size, t.size());
            assertArrayEquals(ROOTS.get(size), t.root(), "restored root at " + size);
            for (int i = size; i < size + 20; i++) {
                for (NodeHash n : t.append(LEAVES.get(i))) {
                    assertArrayEquals(STORE.get(n.id()), n.hash(), "node " + n.id() + " after restore at " + size);
                }
                assertArrayEquals(ROOTS.get(i + 1), t.root());
            }
        }
    }

    @Test
    void compactRangeHasOneNodePerSetBitLargestFirst() {
        assertEquals(List.of(), TreeAppender.compactRange(0));
        assertEquals(List.of(new NodeId(2, 0), new NodeId(1, 2)), TreeAppender.compactRange(6));
        assertEquals(List.of(new NodeId(3, 0), new NodeId(1, 4), new NodeId(0, 10)), TreeAppender.compactRange(11));
        assertThrows(IllegalArgumentException.class, () -> TreeAppender.compactRange(-1));
        assertThrows(IllegalArgumentException.class, () -> TreeAppender.restore(6, List.of(new byte[32])));
    }

    @Test
    void inclusionProofsMatchReferenceForAllSmallTreesAndRandomLargeOnes() {
        int checks = 0;
        for (int size = 1; size <= 64; size++) {
            for (int index = 0; index < size; index++) {
                checkInclusion(index, size);
                checks++;
            }
        }
        Random rnd = new Random(SEED);
        for (int i = 0; i < 1500; i++) {
            int size = 1 + rnd.nextInt(MAX_SIZE);
            checkInclusion(rnd.nextInt(size), size);
            checks++;
        }
        assertEquals(2080 + 1500, checks);
    }

    @Test
    void consistencyProofsMatchReferenceForAllSmallTreesAndRandomLargeOnes() {
        int checks = 0;
        for (int size2 = 1; size2 <= 64; size2++) {
            for (int size1 = 1; size1 <= size2; size1++) {
                checkConsistency(size1, size2);
                checks++;
            }
        }
        Random rnd = new Random(SEED + 1);
        for (int i = 0; i < 1500; i++) {
            int size2 = 1 + rnd.nextInt(MAX_SIZE);
            checkConsistency(1 + rnd.nextInt(size2), size2);
            checks++;
        }
        assertEquals(2080 + 1500, checks);
    }

    private void checkInclusion(int index, int size) {
        String where = "inclusion(" + index + ", " + size + ")";
        ProofPlan plan = ProofPlan.inclusion(index, size);
        plan.nodeIds().forEach(id -> assertTrue(id.isCompleteIn(size), where + " asks for incomplete " + id));
        List<byte[]> proof = plan.rehash(fetch(plan.nodeIds()));
        assertSameHashes(REF.path(index, size), proof, where);
        assertEquals(proof.size(), plan.proofSize());

        byte[] root = ROOTS.get(size);
        byte[] leaf = LEAVES.get(index);
        MerkleVerifier.verifyInclusion(index, size, leaf, proof, root);
        assertArrayEquals(root, MerkleVerifier.rootFromInclusionProof(index, size, leaf, proof));

        for (int i = 0; i < proof.size(); i++) {
            List<byte[]> bad = new ArrayList<>(proof);
            bad.set(i, flipOneBit(proof.get(i), index * 31 + i));
            assertRejected(() -> MerkleVerifier.verifyInclusion(index, size, leaf, bad, root), where + " flipped proof[" + i + "]");
        }
        assertRejected(() -> MerkleVerifier.verifyInclusion(index, size, flipOneBit(leaf, size), proof, root), where + " flipped leaf");
        assertRejected(() -> MerkleVerifier.verifyInclusion(index, size, leaf, proof, flipOneBit(root, index)), where + " flipped root");
        if (size > 1) {
            assertRejected(() -> MerkleVerifier.verifyInclusion((index + 1) % size, size, leaf, proof, root), where + " other index");
        }
    }

    private void checkConsistency(int size1, int size2) {
        String where = "consistency(" + size1 + ", " + size2 + ")";
        ProofPlan plan = ProofPlan.consistency(size1, size2);
        plan.nodeIds().forEach(id -> assertTrue(id.isCompleteIn(size2), where + " asks for incomplete " + id));
        List<byte[]> proof = plan.rehash(fetch(plan.nodeIds()));
        assertSameHashes(size1 == size2 ? List.of() : REF.proof(size1, size2), proof, where);

        byte[] root1 = ROOTS.get(size1);
        byte[] root2 = ROOTS.get(size2);
        MerkleVerifier.verifyConsistency(size1, size2, proof, root1, root2);
        assertArrayEquals(root2, MerkleVerifier.rootFromConsistencyProof(size1, size2, proof, root1));

        for (int i = 0; i < proof.size(); i++) {
            List<byte[]> bad = new ArrayList<>(proof);
            bad.set(i, flipOneBit(proof.get(i), size1 * 17 + i));
            assertRejected(() -> MerkleVerifier.verifyConsistency(size1, size2, bad, root1, root2), where + " flipped proof[" + i + "]");
        }
        assertRejected(() -> MerkleVerifier.verifyConsistency(size1, size2, proof, flipOneBit(root1, size2), root2), where + " flipped root1");
        assertRejected(() -> MerkleVerifier.verifyConsistency(size1, size2, proof, root1, flipOneBit(root2, size1)), where + " flipped root2");
    }

    private static List<byte[]> fetch(List<NodeId> ids) {
        List<byte[]> out = new ArrayList<>(ids.size());
        for (NodeId id : ids) {
            byte[] h = STORE.get(id);
            assertNotNull(h, "store has no node " + id);
            out.add(h.clone());
        }
        return out;
    }

    private static byte[] flipOneBit(byte[] h, int salt) {
        byte[] c = h.clone();
        int bit = Math.floorMod(salt * 0x9E3779B1, c.length * 8);
        c[bit / 8] ^= (byte) (1 << (bit % 8));
        return c;
    }

    private static void assertSameHashes(List<byte[]> expected, List<byte[]> actual, String where) {
        assertEquals(expected.size(), actual.size(), where + " proof length");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), where + " proof[" + i + "]");
        }
    }

    private static void assertRejected(Runnable r, String where) {
        MerkleProofException e = assertThrows(MerkleProofException.class, r::run, where + " verified");
        assertFalse(e.getMessage().isEmpty());
    }
}
