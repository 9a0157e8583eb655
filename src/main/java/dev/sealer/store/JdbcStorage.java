package dev.sealer.store;

import dev.sealer.app.storage.Storage;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * {@link Storage} on PostgreSQL through JDBC: the one place that opens connections, begins,
 * commits and rolls back transactions, and turns SQL failures into domain errors
 * ({@link StoreException}). The SQL itself is in the table classes of this package.
 */
public final class JdbcStorage implements Storage {
    private final DataSource dataSource;

    public JdbcStorage(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public <T> T read(String what, Work<T> work) {
        return onConnection(what, c -> run(c, work));
    }

    @Override
    public <T> T transaction(String what, Work<T> work) {
        return onConnection(what, c -> inTransaction(c, work, false));
    }

    @Override
    public <T> T snapshot(String what, Work<T> work) {
        return onConnection(what, c -> inTransaction(c, work, true));
    }

    @FunctionalInterface
    private interface OnConnection<T> {
        T run(Connection c) throws SQLException;
    }

    /** A pooled connection for {@code body}; an SQL failure becomes the domain error for {@code what}. */
    private <T> T onConnection(String what, OnConnection<T> body) {
        try (Connection c = dataSource.getConnection()) {
            return body.run(c);
        } catch (SQLException e) {
            throw StoreException.from(e, what);
        }
    }

    @Override
    public Session session() {
        HeldConnection held = new HeldConnection(dataSource);
        return new Session() {
            @Override
            public <T> T transaction(String what, Work<T> work) {
                try {
                    return inTransaction(held.get(), work, false);
                } catch (SQLException | RuntimeException e) {
                    held.discard(); // the next transaction starts on a fresh, validated connection
                    throw e instanceof SQLException sql ? StoreException.from(sql, what) : (RuntimeException) e;
                }
            }

            @Override
            public void close() {
                held.close();
            }
        };
    }

    private static <T> T inTransaction(Connection c, Work<T> work, boolean snapshot) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        if (snapshot) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
        }
        try {
            T result = run(c, work);
            if (snapshot) {
                c.rollback();
            } else {
                c.commit();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is already broken: the transaction is gone with it
            }
            throw e;
        } finally {
            if (snapshot) {
                c.setReadOnly(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            c.setAutoCommit(auto);
        }
    }

    /** Runs {@code work} on {@code c}; an SQL failure inside it comes out as the SQLException it was. */
    private static <T> T run(Connection c, Work<T> work) throws SQLException {
        try {
            return work.run(new JdbcTables(c));
        } catch (JdbcTables.Failure f) {
            throw f.getCause();
        }
    }
}
