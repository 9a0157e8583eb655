package dev.sealer.app.storage;

import java.time.Instant;

/** Auditor filter over the audit trail: every field is optional (null), set ones are combined with AND. */
public record AuditFilter(Instant from, Instant to, String actor, String action) {
}
