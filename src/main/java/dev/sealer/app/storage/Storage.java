package dev.sealer.app.storage;

/**
 * The service's storage, as the application needs it: units of work over the {@link Tables}.
 * The application never sees a connection, a transaction handle or an SQL error. Each method
 * runs its work and either returns its value (a transaction then committed) or throws: a
 * {@link dev.sealer.core.error.SealerException} ({@code STORE_UNAVAILABLE} when the database
 * failed, {@code WORM_VIOLATION} when an append-only table refused a change, or whatever the
 * work itself threw), after rolling back whatever the work had written.
 *
 * <p>The JDBC implementation is {@code dev.sealer.store.JdbcStorage}; tests wrap it to inject
 * faults a real database cannot produce on demand.
 */
public interface Storage {
    /** Reads (or single writes) on a pooled connection, each statement on its own. */
    <T> T read(String what, Work<T> work);

    /** One transaction: committed when {@code work} returns, rolled back when it throws. */
    <T> T transaction(String what, Work<T> work);

    /** One read-only, repeatable-read snapshot of every table (the integrity sweep reads everything in one). */
    <T> T snapshot(String what, Work<T> work);

    /**
     * A session for one busy thread (the commit writer, the checkpointer): its transactions run
     * on one kept connection instead of a pool checkout each, revalidated after idling and
     * replaced after any failure.
     */
    Session session();

    /** What runs inside a unit of work. */
    @FunctionalInterface
    interface Work<T> {
        T run(Tables tables);
    }

    /** Transactions of one thread on one kept connection; not thread-safe. */
    interface Session extends AutoCloseable {
        /** As {@link Storage#transaction}. */
        <T> T transaction(String what, Work<T> work);

        @Override
        void close();
    }
}
