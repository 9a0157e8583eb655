package dev.sealer.core.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealer.core.merkle.MerkleProofException.Detail;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MerkleVerifierTest {

    private static final Map<NodeId, byte[]> STORE = new HashMap<>();
    private static TreeAppender tree;

    @BeforeAll
    static void build() {
        tree = new TreeAppender();
        for (int i = 0; i < 13; i++) {
            tree.append(Rfc6962.leafHash(new byte[] {(byte) i})).forEach(n -> STORE.put(n.id(), n.hash()));
        }
    }

    @Test
    void rootMismatchCarriesExpectedAndCalculatedRoots() {
        List<byte[]> proof = inclusionProof(5, 13);
        byte[] wrongRoot = new byte[32];
        MerkleProofException e = assertFails(Detail.ROOT_MISMATCH,
                () -> MerkleVerifier.verifyInclusion(5, 13, leaf(5), proof, wrongRoot));
        assertArrayEquals(wrongRoot, e.expectedRoot());
        assertArrayEquals(tree.root(), e.calculatedRoot());
    }

    @Test
    void inclusionWithExtraOrMissingProofHashFailsOnSize() {
        List<byte[]> proof = inclusionProof(5, 13);
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(new byte[32]);
        assertFails(Detail.WRONG_PROOF_SIZE, () -> MerkleVerifier.verifyInclusion(5, 13, leaf(5), longer, tree.root()));
        assertFails(Detail.WRONG_PROOF_SIZE,
                () -> MerkleVerifier.verifyInclusion(5, 13, leaf(5), proof.subList(0, proof.size() - 1), tree.root()));
    }

    @Test
    void inclusionRejectsIndexOutOfRangeAndBadHashLengths() {
        assertFails(Detail.INDEX_OUT_OF_RANGE, () -> MerkleVerifier.verifyInclusion(13, 13, leaf(0), List.of(), tree.root()));
        assertFails(Detail.INDEX_OUT_OF_RANGE, () -> MerkleVerifier.verifyInclusion(-1, 13, leaf(0), List.of(), tree.root()));
        assertFails(Detail.INDEX_OUT_OF_RANGE, () -> MerkleVerifier.verifyInclusion(0, 0, leaf(0), List.of(), tree.root()));
        assertFails(Detail.BAD_HASH_LENGTH, () -> MerkleVerifier.verifyInclusion(0, 1, new byte[31], List.of(), tree.root()));
        List<byte[]> proof = new ArrayList<>(inclusionProof(5, 13));
        proof.set(1, new byte[33]);
        assertFails(Detail.BAD_HASH_LENGTH, () -> MerkleVerifier.verifyInclusion(5, 13, leaf(5), proof, tree.root()));
    }

    @Test
    void consistencyEdgeCasesFollowTheVectorRules() {
        byte[] r = tree.root();
        assertFails(Detail.EMPTY_TREE, () -> MerkleVerifier.verifyConsistency(0, 0, List.of(), r, r));
        assertFails(Detail.EMPTY_TREE, () -> MerkleVerifier.verifyConsistency(0, 13, List.of(), Rfc6962.emptyRoot(), r));
        assertFails(Detail.BAD_TREE_SIZE, () -> MerkleVerifier.verifyConsistency(13, 12, List.of(), r, r));
        assertFails(Detail.WRONG_PROOF_SIZE, () -> MerkleVerifier.verifyConsistency(13, 13, List.of(r), r, r));
        assertFails(Detail.ROOT_MISMATCH, () -> MerkleVerifier.verifyConsistency(13, 13, List.of(), r, new byte[32]));
        assertFails(Detail.WRONG_PROOF_SIZE, () -> MerkleVerifier.verifyConsistency(5, 13, List.of(), r, r));
        MerkleVerifier.verifyConsistency(13, 13, List.of(), r, r);
    }

    @Test
    void consistencyWithWrongOldRootReportsTheFirstRootMismatch() {
        ProofPlan plan = ProofPlan.consistency(6, 13);
        List<byte[]> proof = plan.rehash(plan.nodeIds().stream().map(STORE::get).toList());
        byte[] fakeOld = new byte[32];
        MerkleProofException e = assertFails(Detail.ROOT_MISMATCH,
                () -> MerkleVerifier.verifyConsistency(6, 13, proof, fakeOld, tree.root()));
        assertArrayEquals(fakeOld, e.expectedRoot());
    }

    @Test
    void nonMismatchFailuresCarryNoRoots() {
        MerkleProofException e = assertFails(Detail.EMPTY_TREE,
                () -> MerkleVerifier.verifyConsistency(0, 1, List.of(), tree.root(), tree.root()));
        assertNull(e.expectedRoot());
        assertNull(e.calculatedRoot());
        assertEquals(Detail.EMPTY_TREE, e.detail());
    }

    private static List<byte[]> inclusionProof(long index, long size) {
        ProofPlan plan = ProofPlan.inclusion(index, size);
        return plan.rehash(plan.nodeIds().stream().map(STORE::get).toList());
    }

    private static byte[] leaf(int i) {
        return STORE.get(NodeId.leaf(i));
    }

    private static MerkleProofException assertFails(Detail detail, Executable r) {
        MerkleProofException e = assertThrows(MerkleProofException.class, r);
        assertEquals(detail, e.detail(), e.getMessage());
        return e;
    }
}
