package dev.sealer.core.suite;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place a suite's windows are computed: when it signs, until when it verifies, and
 * which seals its revocation invalidates. Built from the certificate plus the lifecycle facts
 * of the status list (or the ledger, which publishes the same entry), so the service, the
 * offline verifier and the affected-seals query apply the same rule.
 *
 * @param signFrom         first instant the suite signs (certificate)
 * @param signUntil        first instant it no longer signs: the certificate's sign_until, or
 *                         earlier when it was rotated out (signing_ended_at)
 * @param verifyUntil      end of its overlap: an OVERLAP suite is retired from then on
 * @param compromisedSince for a revoked suite, when its key is believed compromised; else null
 */
public record SuiteWindows(String suiteId, Instant signFrom, Instant signUntil, Instant verifyUntil, Instant compromisedSince) {

    public SuiteWindows {
        Objects.requireNonNull(suiteId, "suiteId");
        Objects.requireNonNull(signFrom, "signFrom");
        Objects.requireNonNull(signUntil, "signUntil");
        Objects.requireNonNull(verifyUntil, "verifyUntil");
    }

    /** The windows of {@code certificate} under its lifecycle entry ({@code status} may be null: nothing published). */
    public static SuiteWindows of(SuiteCertificate certificate, SuiteStatusList.Entry status) {
        Instant signUntil = certificate.signUntil();
        Instant since = null;
        if (status != null) {
            if (!status.suiteId().equals(certificate.suiteId())) {
                throw new IllegalArgumentException("status entry of " + status.suiteId() + " for suite " + certificate.suiteId());
            }
            if (status.signingEndedAt() != null && status.signingEndedAt().isBefore(signUntil)) {
                signUntil = status.signingEndedAt();
            }
            if (status.status() == SuiteStatus.REVOKED) {
                since = status.compromisedSince();
            }
        }
        if (signUntil.isBefore(certificate.signFrom())) {
            signUntil = certificate.signFrom(); // ended before it began: an empty window
        }
        return new SuiteWindows(certificate.suiteId(), certificate.signFrom(), signUntil, certificate.verifyUntil(), since);
    }

    /** True when a receipt committed at {@code t} may carry this suite: {@code signFrom <= t < signUntil}. */
    public boolean signsAt(Instant t) {
        return !t.isBefore(signFrom) && t.isBefore(signUntil);
    }

    /** True when an OVERLAP suite is past its overlap at {@code t} and is to be retired. */
    public boolean overlapOverAt(Instant t) {
        return !t.isBefore(verifyUntil);
    }

    public boolean revoked() {
        return compromisedSince != null;
    }

    /**
     * The revocation rule (DESIGN §3): a seal of a revoked suite stays valid only when it was
     * committed before {@code compromised_since} and anchored in a checkpoint signed before that
     * time. {@code anchoredAt} is the signing time of the earliest trustworthy checkpoint that
     * includes it, or null when there is none. Always false for a suite that is not revoked.
     */
    public boolean revocationInvalidates(Instant committedAt, Instant anchoredAt) {
        if (!revoked()) {
            return false;
        }
        return !committedAt.isBefore(compromisedSince) || anchoredAt == null || !anchoredAt.isBefore(compromisedSince);
    }

    /**
     * The same rule as the parameters of a filter over stored seals, for a revoked suite: a seal
     * is affected when it was committed at or after {@link Affected#committedFrom()}, or when no
     * checkpoint issued before {@link Affected#anchoredBefore()} covers its leaf.
     */
    public Optional<Affected> affected() {
        return revoked() ? Optional.of(new Affected(suiteId, compromisedSince, compromisedSince)) : Optional.empty();
    }

    /** Parameters of the affected-seals filter; see {@link #affected()}. */
    public record Affected(String suiteId, Instant committedFrom, Instant anchoredBefore) {
    }
}
