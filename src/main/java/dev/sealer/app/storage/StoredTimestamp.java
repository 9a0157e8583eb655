package dev.sealer.app.storage;

import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.integrity.Rows;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A checkpoint's RFC 3161 time-stamp token as stored (table checkpoint_timestamps), with its row authenticator. */
public record StoredTimestamp(long treeSize, String tsa, Instant genTime, byte[] token, Instant stampedAt, byte[] rowMac) {
    /** A token about to be stored, authenticated by {@code auth}; times are kept to the microsecond. */
    public static StoredTimestamp of(long treeSize, String tsa, Instant genTime, byte[] token, Instant stampedAt, RowAuthenticator auth) {
        Instant g = genTime.truncatedTo(ChronoUnit.MICROS);
        return new StoredTimestamp(treeSize, tsa, g, token, stampedAt.truncatedTo(ChronoUnit.MICROS), auth.tag(Rows.checkpointTimestamp(treeSize, tsa, g, token)));
    }

    /** Whether this row is one {@code auth} wrote. */
    public boolean authentic(RowAuthenticator auth) {
        return rowMac != null && auth.verifies(Rows.checkpointTimestamp(treeSize, tsa, genTime, token), rowMac);
    }
}
