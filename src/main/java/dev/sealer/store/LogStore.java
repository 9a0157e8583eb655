package dev.sealer.store;

import dev.sealer.app.storage.DamagedLog;
import dev.sealer.app.storage.StoredCheckpoint;
import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.integrity.Rows;
import dev.sealer.core.merkle.NodeHash;
import dev.sealer.core.merkle.NodeId;
import dev.sealer.core.merkle.StoredLevels;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/** The Merkle log tables: complete nodes at the stored levels ({@link StoredLevels}), and the signed checkpoints. */
public final class LogStore {
    private static final String CHECKPOINT_COLUMNS = "tree_size, root_hash, issued_at, suite_id, note, coalesce(previous_size, -1), coalesce(suite_events, -1), coalesce(audit_events, -1), row_mac";

    private LogStore() {
    }

    /** Stores the nodes of {@code nodes} at {@link StoredLevels#isStored stored levels}; the others are rebuilt when asked for. */
    public static void insertNodes(Connection c, List<NodeHash> nodes, RowAuthenticator auth) throws SQLException {
        List<NodeHash> kept = nodes.stream().filter(n -> StoredLevels.isStored(n.id().level())).toList();
        if (kept.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("insert into log_nodes (level, idx, hash, row_mac) select * from unnest(?::smallint[], ?::bigint[], ?::bytea[], ?::bytea[])")) {
            ps.setArray(1, c.createArrayOf("smallint", kept.stream().map(n -> (short) n.id().level()).toArray(Short[]::new)));
            ps.setArray(2, c.createArrayOf("bigint", kept.stream().map(n -> n.id().index()).toArray(Long[]::new)));
            ps.setArray(3, c.createArrayOf("bytea", kept.stream().map(NodeHash::hash).toArray(byte[][]::new)));
            ps.setArray(4, c.createArrayOf("bytea", kept.stream().map(n -> auth.tag(Rows.logNode(n.id().level(), n.id().index(), n.hash()))).toArray(byte[][]::new)));
            ps.executeUpdate();
        }
    }

    /**
     * The hashes of complete nodes {@code ids}, in the same order, taking leaf hashes from
     * {@code knownLeaves} where it has them (null when not) and recomputing the rest from the
     * receipts. Throws {@link DamagedLog} when a needed row is missing or is not a receipt.
     */
    public static List<byte[]> nodes(Connection c, List<NodeId> ids, LongFunction<byte[]> knownLeaves) throws SQLException {
        try {
            return StoredLevels.resolve(ids, needed -> {
                try {
                    return fetch(c, needed, knownLeaves);
                } catch (SQLException e) {
                    throw new UncheckedSql(e);
                }
            });
        } catch (UncheckedSql e) {
            if (e.getCause() instanceof ReceiptStore.StoredReceiptException bad) {
                throw new DamagedLog(bad.getMessage(), bad);
            }
            throw e.getCause();
        } catch (IllegalStateException missing) {
            throw new DamagedLog(missing.getMessage(), missing);
        }
    }

    private static Map<NodeId, byte[]> fetch(Connection c, Collection<NodeId> needed, LongFunction<byte[]> knownLeaves) throws SQLException {
        Map<NodeId, byte[]> found = new HashMap<>();
        List<Long> leaves = new ArrayList<>();
        List<Short> levels = new ArrayList<>();
        List<Long> idxs = new ArrayList<>();
        for (NodeId id : needed) {
            if (id.level() == 0) {
                byte[] known = knownLeaves.apply(id.index());
                if (known != null) {
                    found.put(id, known);
                } else {
                    leaves.add(id.index());
                }
            } else {
                levels.add((short) id.level());
                idxs.add(id.index());
            }
        }
        ReceiptStore.leafHashes(c, leaves).forEach((leaf, hash) -> found.put(NodeId.leaf(leaf), hash));
        if (!levels.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "select n.level, n.idx, n.hash from log_nodes n join unnest(?::smallint[], ?::bigint[]) as q(level, idx) on n.level = q.level and n.idx = q.idx")) {
                ps.setArray(1, c.createArrayOf("smallint", levels.toArray()));
                ps.setArray(2, c.createArrayOf("bigint", idxs.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(new NodeId(rs.getShort(1), rs.getLong(2)), rs.getBytes(3));
                    }
                }
            }
        }
        return found;
    }

    private static final class UncheckedSql extends RuntimeException {
        UncheckedSql(SQLException e) {
            super(e);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    public static void insertCheckpoint(Connection c, StoredCheckpoint cp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into checkpoints (tree_size, root_hash, issued_at, suite_id, note, previous_size, "
                + "suite_events, audit_events, row_mac) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, cp.treeSize());
            ps.setBytes(2, cp.rootHash());
            ps.setTimestamp(3, Timestamp.from(cp.issuedAt()));
            ps.setString(4, cp.suiteId());
            ps.setString(5, cp.note());
            ps.setLong(6, cp.previousSize());
            ps.setLong(7, cp.suiteEvents());
            ps.setLong(8, cp.auditEvents());
            ps.setBytes(9, cp.rowMac());
            ps.executeUpdate();
        }
    }

    public static Optional<StoredCheckpoint> latestCheckpoint(Connection c) throws SQLException {
        return one(c, "select " + CHECKPOINT_COLUMNS + " from checkpoints order by tree_size desc limit 1", null);
    }

    public static Optional<StoredCheckpoint> checkpointAt(Connection c, long size) throws SQLException {
        return one(c, "select " + CHECKPOINT_COLUMNS + " from checkpoints where tree_size = ?", size);
    }

    /** The last checkpoint issued before {@code t}, if any. */
    public static Optional<StoredCheckpoint> lastCheckpointBefore(Connection c, Instant t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + CHECKPOINT_COLUMNS + " from checkpoints where issued_at < ? order by tree_size desc limit 1")) {
            ps.setTimestamp(1, Timestamp.from(t));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public static Optional<StoredCheckpoint> firstCheckpointCovering(Connection c, long leafIndex) throws SQLException {
        return one(c, "select " + CHECKPOINT_COLUMNS + " from checkpoints where tree_size > ? order by tree_size limit 1", leafIndex);
    }

    public static List<StoredCheckpoint> allCheckpoints(Connection c) throws SQLException {
        List<StoredCheckpoint> all = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select " + CHECKPOINT_COLUMNS + " from checkpoints order by tree_size");
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
        return new StoredCheckpoint(rs.getLong(1), rs.getBytes(2), rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getString(5), rs.getLong(6),
                rs.getLong(7), rs.getLong(8), rs.getBytes(9));
    }
}
