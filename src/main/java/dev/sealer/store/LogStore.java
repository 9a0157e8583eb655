package dev.sealer.store;

import dev.sealer.core.merkle.NodeHash;
import dev.sealer.core.merkle.NodeId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Merkle log tables: one row per complete node, and the signed checkpoints. */
public final class LogStore {
    public record StoredCheckpoint(long treeSize, byte[] rootHash, Instant issuedAt, String suiteId, String note) {
    }

    private LogStore() {
    }

    public static void insertNodes(Connection c, List<NodeHash> nodes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into log_nodes (level, idx, hash) values (?, ?, ?)")) {
            for (NodeHash n : nodes) {
                ps.setShort(1, (short) n.id().level());
                ps.setLong(2, n.id().index());
                ps.setBytes(3, n.hash());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The hashes of {@code ids}, in the same order; throws when one is missing (the log is damaged). */
    public static List<byte[]> nodes(Connection c, List<NodeId> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<NodeId, byte[]> found = new HashMap<>();
        Long[] idxs = new Long[ids.size()];
        Short[] lv = new Short[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            lv[i] = (short) ids.get(i).level();
            idxs[i] = ids.get(i).index();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select n.level, n.idx, n.hash from log_nodes n join unnest(?::smallint[], ?::bigint[]) as q(level, idx) on n.level = q.level and n.idx = q.idx")) {
            ps.setArray(1, c.createArrayOf("smallint", lv));
            ps.setArray(2, c.createArrayOf("bigint", idxs));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(new NodeId(rs.getShort(1), rs.getLong(2)), rs.getBytes(3));
                }
            }
        }
        List<byte[]> result = new ArrayList<>(ids.size());
        for (NodeId id : ids) {
            byte[] h = found.get(id);
            if (h == null) {
                throw new SQLException("log node " + id + " is missing", "SL404");
            }
            result.add(h);
        }
        return result;
    }

    public static void insertCheckpoint(Connection c, StoredCheckpoint cp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into checkpoints (tree_size, root_hash, issued_at, suite_id, note) values (?, ?, ?, ?, ?)")) {
            ps.setLong(1, cp.treeSize());
            ps.setBytes(2, cp.rootHash());
            ps.setTimestamp(3, Timestamp.from(cp.issuedAt()));
            ps.setString(4, cp.suiteId());
            ps.setString(5, cp.note());
            ps.executeUpdate();
        }
    }

    public static Optional<StoredCheckpoint> latestCheckpoint(Connection c) throws SQLException {
        return one(c, "select tree_size, root_hash, issued_at, suite_id, note from checkpoints order by tree_size desc limit 1", null);
    }

    public static Optional<StoredCheckpoint> checkpointAt(Connection c, long size) throws SQLException {
        return one(c, "select tree_size, root_hash, issued_at, suite_id, note from checkpoints where tree_size = ?", size);
    }

    public static Optional<StoredCheckpoint> firstCheckpointCovering(Connection c, long leafIndex) throws SQLException {
        return one(c, "select tree_size, root_hash, issued_at, suite_id, note from checkpoints where tree_size > ? order by tree_size limit 1", leafIndex);
    }

    public static List<StoredCheckpoint> allCheckpoints(Connection c) throws SQLException {
        List<StoredCheckpoint> all = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select tree_size, root_hash, issued_at, suite_id, note from checkpoints order by tree_size");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                all.add(row(rs));
            }
        }
        return all;
    }

    private static Optional<StoredCheckpoint> one(Connection c, String sql, Long arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setLong(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static StoredCheckpoint row(ResultSet rs) throws SQLException {
        return new StoredCheckpoint(rs.getLong(1), rs.getBytes(2), rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getString(5));
    }
}
