package dev.sealer.core.suite;

/** Where a suite is in its life (DESIGN §3). Exactly one suite is ACTIVE (signing) at a time. */
public enum SuiteStatus {
    PENDING, ACTIVE, OVERLAP, RETIRED, REVOKED
}
