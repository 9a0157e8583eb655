package dev.sealer.store;

import dev.sealer.app.storage.StoredSuiteEvent;
import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.integrity.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only suite event table; current suite state is folded from these rows. Each event
 * has its place in the history ({@code position} 0, 1, ...) and an authenticator chained to the
 * event before it, so an event changed, removed from the middle, reordered or inserted is named
 * by {@link dev.sealer.core.integrity.SuiteHistoryCheck}.
 */
public final class SuiteEventStore {
    /** Serialises suite changes across service instances sharing one database. */
    public static final long SUITE_LOCK = 0x5ea1e7_0001L;

    private SuiteEventStore() {
    }

    public static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
            ps.setLong(1, SUITE_LOCK);
            ps.execute();
        }
    }

    public static List<StoredSuiteEvent> all(Connection c) throws SQLException {
        List<StoredSuiteEvent> events = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select event_seq, coalesce(position, -1), suite_id, event_type, effective_at, actor, payload, row_mac "
                        + "from suite_events order by event_seq")) {
            while (rs.next()) {
                events.add(new StoredSuiteEvent(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant(),
                        rs.getString(6), rs.getString(7), rs.getBytes(8)));
            }
        }
        return events;
    }

    /**
     * Appends one event at the end of the history, chained to the last one. The caller holds the
     * suite lock ({@link #lock}). {@code effectiveAt} is stored to the microsecond.
     */
    public static void append(Connection c, RowAuthenticator auth, String suiteId, String type, Instant effectiveAt, String actor, String payload)
            throws SQLException {
        long position = 0;
        byte[] previous = new byte[0];
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select (select count(*) from suite_events), row_mac from suite_events order by event_seq desc limit 1")) {
            if (rs.next()) {
                position = rs.getLong(1);
                previous = rs.getBytes(2) == null ? new byte[0] : rs.getBytes(2);
            }
        }
        Instant at = effectiveAt.truncatedTo(ChronoUnit.MICROS);
        try (PreparedStatement ps = c.prepareStatement(
                "insert into suite_events (position, suite_id, event_type, effective_at, actor, payload, row_mac) values (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, position);
            ps.setString(2, suiteId);
            ps.setString(3, type);
            ps.setTimestamp(4, Timestamp.from(at));
            ps.setString(5, actor);
            ps.setString(6, payload);
            ps.setBytes(7, auth.tag(Rows.suiteEvent(position, previous, suiteId, type, at, actor, payload)));
            ps.executeUpdate();
        }
    }
}
