package dev.sealer.app.storage;

import dev.sealer.core.seal.Stage;
import java.time.Instant;

/**
 * One auditor filter over the seals: at most one of request id, subject or signer, or the time range (from the start of
 * seal ids to their end when a bound is open), and optionally a stage and one label ({@code labelKey = labelValue}), all
 * combined with AND.
 */
public record SealFilter(String requestId, Instant from, Instant to, String subject, String signer, Stage stage, String labelKey, String labelValue) {
    public SealFilter(String requestId, Instant from, Instant to, String subject, String signer) {
        this(requestId, from, to, subject, signer, null, null, null);
    }

    /** This filter, also by stage (null: any) and by one label (null key: any). */
    public SealFilter with(Stage stage, String labelKey, String labelValue) {
        return new SealFilter(requestId, from, to, subject, signer, stage, labelKey, labelValue);
    }
}
