package dev.sealer.store;

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
    private static final String COLUMNS = "event_seq, occurred_at, actor, action, target, outcome, detail, row_mac";

    /** One audit row; {@code eventSeq} is 0 and {@code rowMac} null until stored. */
    public record AuditEvent(long eventSeq, Instant occurredAt, String actor, String action, String target, String outcome, String detail,
            byte[] rowMac) {
        public AuditEvent(long eventSeq, Instant occurredAt, String actor, String action, String target, String outcome, String detail) {
            this(eventSeq, occurredAt, actor, action, target, outcome, detail, null);
        }

        /** Whether this stored row is one {@code auth} wrote. */
        public boolean authentic(RowAuthenticator auth) {
            return auth.verifies(Rows.auditEvent(occurredAt, actor, action, target, outcome, detail), rowMac);
        }
    }

    /** Auditor filter: every field is optional (null), set ones are combined with AND. */
    public record Filter(Instant from, Instant to, String actor, String action) {
    }

    private AuditStore() {
    }

    /** Inserts events, each with its authenticator; times are stored to the microsecond (what the authenticator covers). */
    public static void insert(Connection c, List<AuditEvent> events, RowAuthenticator auth) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into audit_events (occurred_at, actor, action, target, outcome, detail, row_mac) values (?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEvent e : events) {
                Instant at = e.occurredAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                ps.setTimestamp(1, Timestamp.from(at));
                ps.setString(2, e.actor());
                ps.setString(3, e.action());
                ps.setString(4, e.target());
                ps.setString(5, e.outcome());
                ps.setString(6, e.detail());
                ps.setBytes(7, auth.tag(Rows.auditEvent(at, e.actor(), e.action(), e.target(), e.outcome(), e.detail())));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }


    /** Events matching {@code f}, ordered by (occurred_at, event_seq), strictly after the cursor when given. */
    public static List<AuditEvent> list(Connection c, Filter f, Instant afterTime, long afterSeq, int limit) throws SQLException {
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
                            rs.getString(6), rs.getString(7), rs.getBytes(8)));
                }
            }
            return result;
        }
    }
}
