package dev.sealer.core.error;

/**
 * Stable, machine-readable reason codes. They appear in {@code google.rpc.ErrorInfo.reason}
 * of RPC errors, in INVALID verdicts and in the offline verifier's output; never rename one.
 */
public enum Reason {
    // bad input (INVALID_ARGUMENT)
    INVALID_ARGUMENT,
    INVALID_DIGEST,
    INVALID_REQUEST_ID,
    INVALID_SUBJECT,
    INVALID_STAGE,
    INVALID_LABELS,
    INVALID_PARENTS,
    UNKNOWN_PARENT,
    /** A statement sent to be sealed (FormatService.SealModel) is not the in-toto Statement the method takes; the message names the member. */
    INVALID_STATEMENT,
    /** The request's bytes are not a message of the method's request type (invalid UTF-8, truncated, not protobuf). */
    MALFORMED_REQUEST,
    // lookups (NOT_FOUND)
    UNKNOWN_SEAL,
    UNKNOWN_SUITE,
    // idempotency (ALREADY_EXISTS)
    REQUEST_ID_CONFLICT,
    // verification verdicts
    SIGNATURE_INVALID,
    SUITE_REVOKED,
    OUTSIDE_VALIDITY,
    ANCHOR_MISMATCH,
    MERKLE_PROOF_INVALID,
    MALFORMED_BUNDLE,
    // an evidence package that cannot be completed (FAILED_PRECONDITION), naming what is missing
    PARTIAL_EVIDENCE,
    /** a time-stamp token that does not verify (signature, certificate, imprint) */
    TIMESTAMP_INVALID,
    // storage and parts
    WORM_VIOLATION,
    HSM_UNAVAILABLE,
    STORE_UNAVAILABLE,
    /** the time-stamping authority cannot issue tokens now (its key is not in the token, or an external TSA does not answer) */
    TSA_UNAVAILABLE,
    /** The service received SIGTERM and admits no more seals (UNAVAILABLE); retry elsewhere or after the restart with the same request id. */
    SHUTTING_DOWN,
    // load shedding and size (RESOURCE_EXHAUSTED)
    OVERLOADED,
    /** The request is larger than the service decodes ({@code sealer.grpc.max-request-bytes}); never retry it as is. */
    MESSAGE_TOO_LARGE,
    // access
    PERMISSION_DENIED,
    /** Not committed because the caller gave up first (deadline passed, cancelled) or its stream had stopped (CANCELLED). */
    ABANDONED,
    // lineage (meta-seals, docs/lineage.md): INVALID_ARGUMENT at creation, INVALID verdicts when a lineage is verified
    /** A bound seal lies on a dependency cycle. */
    LINEAGE_CYCLE,
    /** A bound seal has a parent that is neither bound nor an external root the policy allows. */
    LINEAGE_INCOMPLETE,
    /** The lifecycle policy requires a stage no bound seal (or allowed external root) has. */
    STAGE_MISSING,
    /** A bound seal does not descend from the stage the policy puts before its own, or descends from a later one. */
    STAGE_ORDER,
    /** No lifecycle policy of that name, or not at that version, is configured. */
    UNKNOWN_POLICY
}
