package dev.sealer.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The append-only receipts table: inserts in batches, lookups and the indexed auditor queries. */
public final class ReceiptStore {
    /** Serialises log appends (leaf index assignment) across service instances sharing one database. */
    public static final long LOG_LOCK = 0x5ea1e7_0002L;
    private static final String COLUMNS = "seal_id, request_id, leaf_index, committed_at, subject, signer, suite_id, receipt, sig_ed25519, sig_ml_dsa";

    public record StoredSeal(UUID sealId, String requestId, long leafIndex, Instant committedAt, String subject, String signer,
            String suiteId, byte[] receipt, byte[] sigEd25519, byte[] sigMlDsa) {
    }

    /** One auditor filter: exactly one of the fields is set. */
    public record Filter(String requestId, Instant from, Instant to, String subject, String signer) {
    }

    private ReceiptStore() {
    }

    public static void lockLog(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
            ps.setLong(1, LOG_LOCK);
            ps.execute();
        }
    }

    public static long nextLeafIndex(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select coalesce(max(leaf_index) + 1, 0) from receipts");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static Map<String, StoredSeal> byRequestIds(Connection c, Collection<String> requestIds) throws SQLException {
        Map<String, StoredSeal> result = new HashMap<>();
        if (requestIds.isEmpty()) {
            return result;
        }
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from receipts where request_id = any(?)")) {
            Array arr = c.createArrayOf("text", requestIds.toArray());
            ps.setArray(1, arr);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredSeal s = row(rs);
                    result.put(s.requestId(), s);
                }
            }
        }
        return result;
    }

    public static Set<UUID> existingSealIds(Connection c, Collection<UUID> ids) throws SQLException {
        Set<UUID> result = new HashSet<>();
        if (ids.isEmpty()) {
            return result;
        }
        try (PreparedStatement ps = c.prepareStatement("select seal_id from receipts where seal_id = any(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return result;
    }

    public static void insert(Connection c, List<StoredSeal> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into receipts (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredSeal s : rows) {
                ps.setObject(1, s.sealId());
                ps.setString(2, s.requestId());
                ps.setLong(3, s.leafIndex());
                ps.setTimestamp(4, Timestamp.from(s.committedAt()));
                ps.setString(5, s.subject());
                ps.setString(6, s.signer());
                ps.setString(7, s.suiteId());
                ps.setBytes(8, s.receipt());
                ps.setBytes(9, s.sigEd25519());
                ps.setBytes(10, s.sigMlDsa());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public static Optional<StoredSeal> bySealId(Connection c, UUID sealId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from receipts where seal_id = ?")) {
            ps.setObject(1, sealId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Seals matching {@code filter}, ordered by (committed_at, seal_id), strictly after the
     * cursor when given. Every filter uses an index (request_id unique; committed_at; subject
     * and signer with committed_at).
     */
    public static List<StoredSeal> list(Connection c, Filter f, Instant afterTime, UUID afterId, int limit) throws SQLException {
        String where;
        Object arg1 = null;
        Object arg2 = null;
        if (f.requestId() != null) {
            where = "request_id = ?";
            arg1 = f.requestId();
        } else if (f.subject() != null) {
            where = "subject = ?";
            arg1 = f.subject();
        } else if (f.signer() != null) {
            where = "signer = ?";
            arg1 = f.signer();
        } else {
            where = "committed_at >= ? and committed_at < ?";
            arg1 = Timestamp.from(f.from());
            arg2 = Timestamp.from(f.to());
        }
        String cursor = afterTime == null ? "" : " and (committed_at, seal_id) > (?, ?)";
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from receipts where " + where + cursor
                + " order by committed_at, seal_id limit ?")) {
            int i = 1;
            ps.setObject(i++, arg1);
            if (arg2 != null) {
                ps.setObject(i++, arg2);
            }
            if (afterTime != null) {
                ps.setTimestamp(i++, Timestamp.from(afterTime));
                ps.setObject(i++, afterId);
            }
            ps.setInt(i, limit);
            List<StoredSeal> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(row(rs));
                }
            }
            return result;
        }
    }

    /**
     * Seals of {@code suiteId} a revocation invalidates: committed at or after
     * {@code compromisedSince}, or at a leaf no checkpoint issued before that time covers.
     * Ordered by leaf index, after {@code afterLeaf}.
     */
    public static List<StoredSeal> affected(Connection c, String suiteId, Instant compromisedSince, long afterLeaf, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from receipts where suite_id = ? and leaf_index > ? and "
                + "(committed_at >= ? or leaf_index >= (select coalesce(max(tree_size), 0) from checkpoints where issued_at < ?)) "
                + "order by leaf_index limit ?")) {
            ps.setString(1, suiteId);
            ps.setLong(2, afterLeaf);
            ps.setTimestamp(3, Timestamp.from(compromisedSince));
            ps.setTimestamp(4, Timestamp.from(compromisedSince));
            ps.setInt(5, limit);
            List<StoredSeal> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(row(rs));
                }
            }
            return result;
        }
    }

    /** Links a re-seal to the seal it replaces (once). */
    public static void linkReseal(Connection c, UUID oldSealId, UUID newSealId, Instant at, String actor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into reseals (new_seal_id, old_seal_id, resealed_at, actor) values (?, ?, ?, ?) "
                + "on conflict (new_seal_id) do nothing")) {
            ps.setObject(1, newSealId);
            ps.setObject(2, oldSealId);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setString(4, actor);
            ps.executeUpdate();
        }
    }

    private static StoredSeal row(ResultSet rs) throws SQLException {
        return new StoredSeal(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant(), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getBytes(8), rs.getBytes(9), rs.getBytes(10));
    }
}
