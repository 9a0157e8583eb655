package dev.sealer.store;

import dev.sealer.app.storage.AuditEvent;
import dev.sealer.app.storage.AuditFilter;
import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.integrity.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The append-only audit_events table: batched inserts and the auditor query. */
public final class AuditStore {
    private static final String COLUMNS = "event_seq, occurred_at, actor, action, target, outcome, detail, row_mac, coalesce(position, -1)";
    /** Serialises audit appends across instances, so the trail is one chain. */
    public static final long AUDIT_LOCK = 0x5ea1e7_0004L;

    private AuditStore() {
    }

    /**
     * Appends events at the end of the trail, each chained to the one before it (under
     * {@link #AUDIT_LOCK}, in the caller's transaction); times are stored to the microsecond, as
     * the authenticator covers them.
     */
    public static void insert(Connection c, List<AuditEvent> events, RowAuthenticator auth) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
            lock.setLong(1, AUDIT_LOCK);
            lock.execute();
        }
        long position = 0;
        byte[] previous = new byte[0];
        try (PreparedStatement ps = c.prepareStatement("select position, row_mac from audit_events where position is not null order by position desc limit 1");
                ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                position = rs.getLong(1) + 1;
                previous = rs.getBytes(2) == null ? new byte[0] : rs.getBytes(2);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into audit_events (occurred_at, actor, action, target, outcome, detail, row_mac, position) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEvent e : events) {
                Instant at = e.occurredAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                ps.setTimestamp(1, Timestamp.from(at));
                ps.setString(2, e.actor());
                ps.setString(3, e.action());
                ps.setString(4, e.target());
                ps.setString(5, e.outcome());
                ps.setString(6, e.detail());
                byte[] mac = auth.tag(Rows.auditEvent(position, previous, at, e.actor(), e.action(), e.target(), e.outcome(), e.detail()));
                ps.setBytes(7, mac);
                ps.setLong(8, position);
                ps.addBatch();
                position++;
                previous = mac;
            }
            ps.executeBatch();
        }
    }


    /** The length of the chained trail (the next position). */
    public static long length(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select coalesce(max(position) + 1, 0) from audit_events"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Events matching {@code f}, ordered by (occurred_at, event_seq), strictly after the cursor when given. */
    public static List<AuditEvent> list(Connection c, AuditFilter f, Instant afterTime, long afterSeq, int limit) throws SQLException {
        StringBuilder where = new StringBuilder("true");
        List<Object> args = new ArrayList<>();
        if (f.from() != null) {
            where.append(" and occurred_at >= ?");
            args.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            where.append(" and occurred_at < ?");
            args.add(Timestamp.from(f.to()));
        }
        if (f.actor() != null) {
            where.append(" and actor = ?");
            args.add(f.actor());
        }
        if (f.action() != null) {
            where.append(" and action = ?");
            args.add(f.action());
        }
        if (afterTime != null) {
            where.append(" and (occurred_at, event_seq) > (?, ?)");
            args.add(Timestamp.from(afterTime));
            args.add(afterSeq);
        }
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from audit_events where " + where
                + " order by occurred_at, event_seq limit ?")) {
            int i = 1;
            for (Object a : args) {
                ps.setObject(i++, a);
            }
            ps.setInt(i, limit);
            List<AuditEvent> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new AuditEvent(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getBytes(8), rs.getLong(9)));
                }
            }
            return result;
        }
    }
}
