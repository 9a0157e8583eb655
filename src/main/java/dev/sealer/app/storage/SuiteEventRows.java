package dev.sealer.app.storage;

import dev.sealer.core.integrity.RowAuthenticator;
import java.time.Instant;
import java.util.List;

/** The suite history (every state is folded from it). */
public interface SuiteEventRows {
    /** Serialises suite changes across instances, until the transaction ends. */
    void lock();

    /** The whole history, in order. */
    List<StoredSuiteEvent> all();

    /** Appends one event chained to the last (the caller holds {@link #lock}); {@code effectiveAt} is kept to the microsecond. */
    void append(RowAuthenticator auth, String suiteId, String type, Instant effectiveAt, String actor, String payload);
}
