package dev.sealer.app.storage;

import java.time.Instant;

/** One auditor filter over the seals: exactly one of request id, subject, signer or the time range is set. */
public record SealFilter(String requestId, Instant from, Instant to, String subject, String signer) {
}
