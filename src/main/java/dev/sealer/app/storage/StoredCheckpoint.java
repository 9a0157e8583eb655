package dev.sealer.app.storage;

import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.integrity.Rows;
import java.time.Instant;

/**
 * A checkpoint row: the signed note and the fields stored beside it, the size of the checkpoint
 * before it, the lengths of the suite history and the audit trail when it was issued, and its
 * row authenticator.
 */
public record StoredCheckpoint(long treeSize, byte[] rootHash, Instant issuedAt, String suiteId, String note, long previousSize,
        long suiteEvents, long auditEvents, byte[] rowMac) {
    /** A checkpoint about to be stored, authenticated by {@code auth}; {@code issuedAt} is kept to the microsecond. */
    public static StoredCheckpoint of(long treeSize, byte[] rootHash, Instant issuedAt, String suiteId, String note, long previousSize,
            long suiteEvents, long auditEvents, RowAuthenticator auth) {
        Instant at = issuedAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return new StoredCheckpoint(treeSize, rootHash, at, suiteId, note, previousSize, suiteEvents, auditEvents,
                auth.tag(Rows.checkpoint(treeSize, rootHash, at, suiteId, note, previousSize, suiteEvents, auditEvents)));
    }

    /** Whether this row is one {@code auth} wrote. */
    public boolean authentic(RowAuthenticator auth) {
        return auth.verifies(Rows.checkpoint(treeSize, rootHash, issuedAt, suiteId, note, previousSize, suiteEvents, auditEvents), rowMac);
    }
}
