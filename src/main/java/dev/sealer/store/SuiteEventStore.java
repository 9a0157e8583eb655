package dev.sealer.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The append-only suite event table; current suite state is folded from these rows. */
public final class SuiteEventStore {
    /** Serialises suite changes across service instances sharing one database. */
    public static final long SUITE_LOCK = 0x5ea1e7_0001L;

    public record StoredEvent(long seq, String suiteId, String type, Instant effectiveAt, String actor, String payload) {
    }

    private SuiteEventStore() {
    }

    public static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
            ps.setLong(1, SUITE_LOCK);
            ps.execute();
        }
    }

    public static List<StoredEvent> all(Connection c) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select event_seq, suite_id, event_type, effective_at, actor, payload from suite_events order by event_seq")) {
            while (rs.next()) {
                events.add(new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6)));
            }
        }
        return events;
    }

    public static void append(Connection c, String suiteId, String type, Instant effectiveAt, String actor, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into suite_events (suite_id, event_type, effective_at, actor, payload) values (?, ?, ?, ?, ?)")) {
            ps.setString(1, suiteId);
            ps.setString(2, type);
            ps.setTimestamp(3, Timestamp.from(effectiveAt));
            ps.setString(4, actor);
            ps.setString(5, payload);
            ps.executeUpdate();
        }
    }
}
