package dev.sealer.app.storage;

import java.time.Instant;

/** One stored suite event; {@code position} is -1 and {@code rowMac} null for rows without them. */
public record StoredSuiteEvent(long seq, long position, String suiteId, String type, Instant effectiveAt, String actor, String payload, byte[] rowMac) {
}
