package dev.sealer.store;

import dev.sealer.core.merkle.NodeHash;
import dev.sealer.core.merkle.NodeId;
import dev.sealer.core.merkle.StoredLevels;
import dev.sealer.core.merkle.TreeAppender;
import dev.sealer.core.seal.SealIds;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;

/**
 * Recomputes the log from the tables and reports every disagreement as ANCHOR_MISMATCH: each
 * receipt row is rebuilt into its canonical receipt and hashed, and the hash checked against
 * the row's stored leaf tag (naming the changed row), the tree is rebuilt leaf by leaf and every
 * stored node compared with it, and each checkpoint's root compared with the tree at its size.
 * It detects direct tampering in the database, e.g. by a superuser who disabled the WORM
 * triggers. Pure JDBC: the admin RPC and the {@code sealer sweep} command run this same code.
 * Memory: the stored nodes (about one per 15 receipts) are held while the receipts stream by.
 */
public final class IntegritySweep {
    public static final String REASON = "ANCHOR_MISMATCH";

    public record Finding(String reason, UUID sealId, long leafIndex, String detail) {
    }

    public record Report(long receiptsChecked, long nodesChecked, long checkpointsChecked, List<Finding> findings) {
        public boolean clean() {
            return findings.isEmpty();
        }
    }

    private IntegritySweep() {
    }

    public static Report run(Connection c) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false); // a cursor needs a transaction; one snapshot for the whole sweep
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            Map<NodeId, byte[]> stored = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select level, idx, hash from log_nodes")) {
                ps.setFetchSize(5000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.put(new NodeId(rs.getShort(1), rs.getLong(2)), rs.getBytes(3));
                    }
                }
            }
            long nodesStored = stored.size();
            List<LogStore.StoredCheckpoint> checkpoints = LogStore.allCheckpoints(c);
            int nextCheckpoint = 0;
            TreeAppender tree = new TreeAppender();
            boolean treeBroken = false; // after a gap or an unreadable row the tree can no longer be rebuilt
            long receipts = 0;
            try (PreparedStatement ps = c.prepareStatement(ReceiptStore.SELECT + "order by r.leaf_index")) {
                ps.setFetchSize(2000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        receipts++;
                        ReceiptStore.StoredSeal s;
                        try {
                            s = ReceiptStore.row(rs);
                        } catch (ReceiptStore.StoredReceiptException e) {
                            findings.add(new Finding(REASON, e.sealId, e.leafIndex, e.getMessage()));
                            treeBroken = true;
                            continue;
                        }
                        if (s.leafIndex() != tree.size() && !treeBroken) {
                            findings.add(new Finding(REASON, s.sealId(), s.leafIndex(),
                                    "leaf index " + s.leafIndex() + " where " + tree.size() + " was expected: the log has a gap"));
                            treeBroken = true;
                        }
                        byte[] leafHash = s.leafHash();
                        if (ReceiptStore.tag(leafHash) != s.leafTag()) {
                            findings.add(new Finding(REASON, s.sealId(), s.leafIndex(), "receipt row does not hash to its logged leaf"));
                        }
                        if (!SealIds.carries(s.sealId(), s.committedAt())) {
                            findings.add(new Finding(REASON, s.sealId(), s.leafIndex(), "seal id does not carry the receipt's commit time"));
                        }
                        if (treeBroken) {
                            continue;
                        }
                        for (NodeHash n : tree.append(leafHash)) {
                            if (!StoredLevels.isStored(n.id().level())) {
                                continue;
                            }
                            byte[] logged = stored.remove(n.id());
                            if (logged == null) {
                                findings.add(new Finding(REASON, null, n.id().firstLeaf(), "log node " + n.id() + " is missing"));
                            } else if (!java.util.Arrays.equals(logged, n.hash())) {
                                findings.add(new Finding(REASON, null, n.id().firstLeaf(), "log node " + n.id() + " over leaves "
                                        + n.id().firstLeaf() + ".." + n.id().lastLeaf() + " differs from the receipts"));
                            }
                        }
                        while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).treeSize() == tree.size()) {
                            if (!java.util.Arrays.equals(tree.root(), checkpoints.get(nextCheckpoint).rootHash())) {
                                findings.add(new Finding(REASON, null, -1, "checkpoint " + tree.size() + " root differs from the receipts' tree"));
                            }
                            nextCheckpoint++;
                        }
                    }
                }
            }
            if (!treeBroken) {
                for (NodeId extra : stored.keySet()) {
                    findings.add(new Finding(REASON, null, extra.firstLeaf(), "log node " + extra + " covers leaves that have no receipt"));
                }
                for (int i = nextCheckpoint; i < checkpoints.size(); i++) {
                    findings.add(new Finding(REASON, null, -1, "checkpoint " + checkpoints.get(i).treeSize() + " covers leaves that have no receipt"));
                }
            }
            return new Report(receipts, nodesStored, checkpoints.size(), findings);
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }
}
