package dev.sealer.store;

import dev.sealer.core.merkle.NodeId;
import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.core.merkle.TreeAppender;
import dev.sealer.core.seal.Receipt;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Recomputes the log from the tables and reports every disagreement as ANCHOR_MISMATCH: each
 * receipt's leaf hash against its stored leaf node (and its row against its canonical bytes),
 * each internal node against its children, and each checkpoint's root against the nodes. It
 * detects direct tampering in the database, e.g. by a superuser who disabled the WORM triggers.
 * Pure JDBC: the admin RPC and the {@code sealer sweep} command run this same code.
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
            long receipts = 0;
            long expected = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "select r.seal_id, r.leaf_index, r.request_id, r.receipt, n.hash from receipts r "
                            + "left join log_nodes n on n.level = 0 and n.idx = r.leaf_index order by r.leaf_index")) {
                ps.setFetchSize(2000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        long leaf = rs.getLong(2);
                        byte[] receipt = rs.getBytes(4);
                        byte[] stored = rs.getBytes(5);
                        if (leaf != expected) {
                            findings.add(new Finding(REASON, id, leaf, "leaf index " + leaf + " where " + expected + " was expected: the log has a gap"));
                        }
                        expected = leaf + 1;
                        if (stored == null) {
                            findings.add(new Finding(REASON, id, leaf, "no leaf node for this receipt"));
                        } else if (!java.util.Arrays.equals(Rfc6962.leafHash(receipt), stored)) {
                            findings.add(new Finding(REASON, id, leaf, "receipt bytes do not hash to the logged leaf"));
                        }
                        try {
                            Receipt r = Receipt.parse(receipt);
                            if (!r.sealId().equals(id) || !r.requestId().equals(rs.getString(3))) {
                                findings.add(new Finding(REASON, id, leaf, "row columns disagree with the receipt"));
                            }
                        } catch (RuntimeException e) {
                            findings.add(new Finding(REASON, id, leaf, "receipt is not canonical: " + e.getMessage()));
                        }
                        receipts++;
                    }
                }
            }
            long nodes = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "select p.level, p.idx, p.hash, l.hash, r.hash from log_nodes p "
                            + "left join log_nodes l on l.level = p.level - 1 and l.idx = 2 * p.idx "
                            + "left join log_nodes r on r.level = p.level - 1 and r.idx = 2 * p.idx + 1 where p.level > 0")) {
                ps.setFetchSize(2000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] left = rs.getBytes(4);
                        byte[] right = rs.getBytes(5);
                        if (left == null || right == null || !java.util.Arrays.equals(Rfc6962.nodeHash(left, right), rs.getBytes(3))) {
                            findings.add(new Finding(REASON, null, -1, "log node " + new NodeId(rs.getShort(1), rs.getLong(2)) + " does not hash its children"));
                        }
                        nodes++;
                    }
                }
            }
            long checkpoints = 0;
            for (LogStore.StoredCheckpoint cp : LogStore.allCheckpoints(c)) {
                try {
                    byte[] root = TreeAppender.restore(cp.treeSize(), LogStore.nodes(c, TreeAppender.compactRange(cp.treeSize()))).root();
                    if (!java.util.Arrays.equals(root, cp.rootHash())) {
                        findings.add(new Finding(REASON, null, -1, "checkpoint " + cp.treeSize() + " root differs from the stored tree"));
                    }
                } catch (SQLException e) {
                    findings.add(new Finding(REASON, null, -1, "checkpoint " + cp.treeSize() + ": " + e.getMessage()));
                }
                checkpoints++;
            }
            return new Report(receipts, nodes, checkpoints, findings);
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }
}
