package dev.sealer.app.storage;

import dev.sealer.core.integrity.RowAuthenticator;
import java.time.Instant;
import java.util.List;

/** The audit trail. */
public interface AuditRows {
    /** Appends events at the end of the trail, each chained to the one before (serialised across instances). */
    void insert(List<AuditEvent> events, RowAuthenticator auth);

    /** The number of events with a place in the chain (a checkpoint records it). */
    long length();

    /** Events matching {@code filter}, ordered by (occurred_at, event_seq), strictly after the cursor when given. */
    List<AuditEvent> list(AuditFilter filter, Instant afterTime, long afterSeq, int limit);
}
