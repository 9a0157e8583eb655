package dev.sealer.core.suite;

import java.time.Instant;

/** One append-only suite state change. CREATED carries the suite certificate as canonical JSON. */
public record SuiteEvent(String suiteId, Type type, Instant effectiveAt, String actor, String payload) {
    public enum Type { CREATED, ACTIVATED, OVERLAP, RETIRED, REVOKED }
}
