package dev.sealer.app.storage;

import java.time.Instant;

/** One audit row; {@code eventSeq} is 0, {@code position} -1 and {@code rowMac} null until stored. */
public record AuditEvent(long eventSeq, Instant occurredAt, String actor, String action, String target, String outcome, String detail,
        byte[] rowMac, long position) {
    public AuditEvent(long eventSeq, Instant occurredAt, String actor, String action, String target, String outcome, String detail) {
        this(eventSeq, occurredAt, actor, action, target, outcome, detail, null, -1);
    }
}
