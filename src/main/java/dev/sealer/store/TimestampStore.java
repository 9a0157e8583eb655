package dev.sealer.store;

import dev.sealer.app.storage.StoredTimestamp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code checkpoint_timestamps} table (append-only, authenticated) and the serial-block sequence of the TSA. */
final class TimestampStore {
    private TimestampStore() {
    }

    private static final String COLUMNS = "tree_size, tsa, gen_time, token, stamped_at, row_mac";

    /** Inserts the row unless the checkpoint already has one (another instance stamped it first); true when inserted. */
    public static boolean insert(Connection c, StoredTimestamp t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into checkpoint_timestamps (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?) "
                + "on conflict (tree_size) do nothing")) {
            ps.setLong(1, t.treeSize());
            ps.setString(2, t.tsa());
            ps.setTimestamp(3, Timestamp.from(t.genTime()));
            ps.setBytes(4, t.token());
            ps.setTimestamp(5, Timestamp.from(t.stampedAt()));
            ps.setBytes(6, t.rowMac());
            return ps.executeUpdate() == 1;
        }
    }

    public static Optional<StoredTimestamp> at(Connection c, long treeSize) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from checkpoint_timestamps where tree_size = ?")) {
            ps.setLong(1, treeSize);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** The token of the largest checkpoint whose token's genTime is before {@code t}, if any. */
    public static Optional<StoredTimestamp> lastBefore(Connection c, Instant t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from checkpoint_timestamps where gen_time < ? order by tree_size desc limit 1")) {
            ps.setTimestamp(1, Timestamp.from(t));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Every stored token, by tree size (the integrity sweep). */
    public static List<StoredTimestamp> all(Connection c) throws SQLException {
        List<StoredTimestamp> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from checkpoint_timestamps order by tree_size");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** Tree sizes above {@code above} of checkpoints without a token, oldest first, at most {@code limit}. */
    public static List<Long> untimestamped(Connection c, long above, int limit) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select cp.tree_size from checkpoints cp left join checkpoint_timestamps t on t.tree_size = cp.tree_size "
                + "where t.tree_size is null and cp.tree_size > ? order by cp.tree_size limit ?")) {
            ps.setLong(1, above);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** How many checkpoints above {@code above} have no token. */
    public static long untimestampedCount(Connection c, long above) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from checkpoints cp left join checkpoint_timestamps t on t.tree_size = cp.tree_size "
                + "where t.tree_size is null and cp.tree_size > ?")) {
            ps.setLong(1, above);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The next block of TSA serial numbers (unique across instances and restarts; see the migration V3_15). */
    public static long nextSerialBlock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select nextval('tsa_serial_blocks')"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static StoredTimestamp row(ResultSet rs) throws SQLException {
        return new StoredTimestamp(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getBytes(4), rs.getTimestamp(5).toInstant(),
                rs.getBytes(6));
    }
}
