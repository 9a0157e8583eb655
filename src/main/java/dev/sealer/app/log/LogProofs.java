package dev.sealer.app.log;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.integrity.Finding;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.merkle.MerkleProofException;
import dev.sealer.core.merkle.MerkleVerifier;
import dev.sealer.core.merkle.NodeId;
import dev.sealer.core.merkle.ProofPlan;
import dev.sealer.app.storage.DamagedLog;
import dev.sealer.app.storage.StoredCheckpoint;
import dev.sealer.app.storage.StoredTimestamp;
import dev.sealer.app.storage.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Where a proof is built: inclusion and consistency proofs from the stored nodes, for
 * checkpoints this authority signed. Every checkpoint row read is checked against its
 * authenticator, and every inclusion proof is verified against the checkpoint's signed root
 * before it is handed out, so a damaged or forged node is a named finding, not a bad proof.
 */
final class LogProofs {
    private final RowGuard guard;
    private final LongFunction<byte[]> recentLeaves;

    LogProofs(RowGuard guard, LongFunction<byte[]> recentLeaves) {
        this.guard = guard;
        this.recentLeaves = recentLeaves;
    }

    /** {@code cp} when this authority wrote it; else a finding and ANCHOR_MISMATCH. */
    StoredCheckpoint authentic(StoredCheckpoint cp) {
        return guard.requireAuthentic(cp);
    }

    Optional<StoredCheckpoint> latest(Tables t) {
        return t.log().latestCheckpoint().map(this::authentic);
    }

    Optional<StoredCheckpoint> at(Tables t, long size) {
        return t.log().checkpointAt(size).map(this::authentic);
    }

    Optional<StoredCheckpoint> firstCovering(Tables t, long leaf) {
        return t.log().firstCheckpointCovering(leaf).map(this::authentic);
    }

    /** The anchor of {@code leaf} in {@code cp}, its proof verified against the signed root. */
    Anchor anchor(Tables t, long leaf, StoredCheckpoint cp) {
        return anchors(t, List.of(leaf), cp).get(leaf);
    }

    /** Anchors of many leaves in one checkpoint, with one node query; each proof verified against the root. */
    Map<Long, Anchor> anchors(Tables t, List<Long> leaves, StoredCheckpoint cp) {
        long size = cp.treeSize();
        Map<Long, ProofPlan> plans = new HashMap<>();
        LinkedHashSet<NodeId> all = new LinkedHashSet<>();
        for (long leaf : leaves) {
            ProofPlan plan = ProofPlan.inclusion(leaf, size);
            plans.put(leaf, plan);
            all.addAll(plan.nodeIds());
            all.add(NodeId.leaf(leaf));
        }
        List<NodeId> ids = new ArrayList<>(all);
        List<byte[]> hashes = nodes(t, ids, "inclusion proofs at tree_size " + size);
        Map<NodeId, byte[]> byId = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            byId.put(ids.get(i), hashes.get(i));
        }
        Map<Long, Anchor> result = new HashMap<>();
        byte[] token = timestamp(t, size).map(StoredTimestamp::token).orElse(null);
        for (var e : plans.entrySet()) {
            long leaf = e.getKey();
            List<byte[]> proof = e.getValue().rehash(e.getValue().nodeIds().stream().map(byId::get).toList());
            try {
                MerkleVerifier.verifyInclusion(leaf, size, byId.get(NodeId.leaf(leaf)), proof, cp.rootHash());
            } catch (MerkleProofException | IllegalArgumentException bad) {
                guard.report(Finding.of("log_nodes", "proof for leaf " + leaf + " at tree_size " + size,
                        "the stored nodes and receipts do not hash to the checkpoint's signed root: " + bad.getMessage()));
                throw new SealerException(Reason.ANCHOR_MISMATCH, "the stored log is damaged: no valid proof for leaf " + leaf + " in checkpoint " + size);
            }
            result.put(leaf, new Anchor(leaf, size, proof, cp.note(), cp.suiteId(), token));
        }
        return result;
    }

    /** The time-stamp token row of the checkpoint of {@code size} when there is one and this authority wrote it (else a finding, and none). */
    Optional<StoredTimestamp> timestamp(Tables tables, long size) {
        Optional<StoredTimestamp> t = tables.timestamps().at(size);
        if (t.isPresent() && !t.get().authentic(guard.authenticator())) {
            guard.report(Finding.of("checkpoint_timestamps", "tree_size " + size, "the row authenticator does not verify: not a token this authority stored"));
            return Optional.empty();
        }
        return t;
    }

    /** The consistency proof from {@code from} to {@code to.treeSize()}; checked when a checkpoint was signed at {@code from}. */
    List<byte[]> consistency(Tables t, long from, StoredCheckpoint to) {
        ProofPlan plan = ProofPlan.consistency(from, to.treeSize());
        List<byte[]> proof = plan.rehash(nodes(t, plan.nodeIds(), "consistency proof " + from + " to " + to.treeSize()));
        Optional<StoredCheckpoint> older = from == to.treeSize() ? Optional.empty() : at(t, from);
        if (older.isPresent()) {
            try {
                MerkleVerifier.verifyConsistency(from, to.treeSize(), proof, older.get().rootHash(), to.rootHash());
            } catch (MerkleProofException | IllegalArgumentException bad) {
                guard.report(Finding.of("checkpoints", "tree_size " + from + " to " + to.treeSize(), "signed checkpoints are not consistent: " + bad.getMessage()));
                throw new SealerException(Reason.ANCHOR_MISMATCH, "the stored log is damaged: checkpoints " + from + " and " + to.treeSize() + " are not consistent");
            }
        }
        return proof;
    }

    /** Stored node hashes; a row the proof needs that is missing or not a receipt is a finding, never a bad proof. */
    private List<byte[]> nodes(Tables t, List<NodeId> ids, String what) {
        try {
            return t.log().nodes(ids, recentLeaves);
        } catch (DamagedLog damaged) {
            guard.report(Finding.of("log_nodes", what, "a row the proof needs is missing or damaged: " + damaged.getMessage()));
            throw new SealerException(Reason.ANCHOR_MISMATCH, "the stored log is damaged: no proof for " + what);
        }
    }
}
