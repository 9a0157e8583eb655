package dev.sealer.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One connection kept by a single busy thread (the commit writer, the checkpointer) across its
 * transactions, instead of a pool checkout and a validation round trip per batch. It is checked
 * again after a second without use, and dropped after any failure ({@link #discard()}), so the
 * next transaction starts on a fresh, validated connection: the first batch after the database
 * comes back is not lost to a dead socket. Not thread-safe: one owner thread (or lock).
 */
public final class HeldConnection implements AutoCloseable {
    private static final long REVALIDATE_AFTER_NANOS = 1_000_000_000L;

    private final DataSource dataSource;
    private Connection connection;
    private long lastUsed;

    public HeldConnection(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The held connection, (re)opened from the pool when there is none or it went stale. */
    public Connection get() throws SQLException {
        long now = System.nanoTime();
        if (connection != null && now - lastUsed > REVALIDATE_AFTER_NANOS && !isValid()) {
            discard();
        }
        if (connection == null) {
            connection = dataSource.getConnection();
        }
        lastUsed = now;
        return connection;
    }

    /** Drops the connection after a failure; the next {@link #get()} takes a new one. */
    public void discard() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken: the pool destroys it
            }
            connection = null;
        }
    }

    private boolean isValid() {
        try {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        discard();
    }
}
