package dev.sealer.app.verify;

import dev.sealer.app.seal.SealQueries;
import dev.sealer.app.seal.SealView;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteStatus;
import dev.sealer.core.verify.Verdict;
import dev.sealer.app.storage.StoredSeal;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;

/**
 * Verification in the service: the same {@link dev.sealer.core.verify.SealVerifier} as the
 * offline {@code sealer verify}, over the trust bundle {@code GetTrustBundle} publishes, plus
 * what only the service has: the stored seal (checked against its authenticators) and its log
 * anchor. Verify and VerifyStream both come here; the handler only maps.
 */
@Singleton
public class VerificationService {
    @Inject
    SuiteRegistry suites;
    @Inject
    SealQueries queries;

    /** A verification's answer: the verdict, and the seal and suite it is about (empty when unknown). */
    public record Outcome(String sealId, String suiteId, Verdict verdict) {
        static Outcome of(Receipt r, Verdict v) {
            return new Outcome(r.sealId().toString(), r.suiteId(), v);
        }
    }

    /** A stored seal, by id. A row this authority did not write is INVALID (ANCHOR_MISMATCH), never VALID. */
    public Outcome bySealId(UUID sealId, Optional<Digest> artifact) {
        SealView view;
        try {
            view = queries.get(sealId);
        } catch (SealerException e) {
            if (e.reason() != Reason.ANCHOR_MISMATCH) {
                throw e;
            }
            return new Outcome(sealId.toString(), "", Verdict.invalid(e.reason(), e.getMessage()));
        }
        return withAnchor(view.receipt(), view.signature(), Optional.of(view.stored()), artifact);
    }

    /** A seal passed in full: its log anchor is looked up when it needs one (unsigned, or a revoked suite). */
    public Outcome seal(Receipt receipt, DualSignature signature, Optional<Digest> artifact) {
        return withAnchor(receipt, signature, Optional.empty(), artifact);
    }

    /** A seal bundle, exactly as the offline verifier checks it: the bundle alone, no anchor looked up. */
    public Outcome bundle(SealBundle bundle, Optional<Digest> artifact) {
        return Outcome.of(bundle.receipt(), verify(bundle.receipt(), bundle.signature(), bundle.anchor(), artifact));
    }

    /**
     * The log anchor proves when the seal existed: needed for unsigned (ANCHORED) seals and for
     * seals of a revoked suite. The service uses the first checkpoint covering the seal.
     */
    private Outcome withAnchor(Receipt receipt, DualSignature signature, Optional<StoredSeal> stored, Optional<Digest> artifact) {
        boolean unsigned = signature.ed25519() == null && signature.mlDsa() == null;
        Anchor anchor = null;
        if (unsigned || isRevoked(receipt.suiteId())) {
            try {
                // by seal id the row is already read; a seal passed in full is looked up once
                anchor = (stored.isPresent() ? stored : queries.find(receipt.sealId())).flatMap(queries::earliestAnchorOf).orElse(null);
            } catch (SealerException e) {
                if (e.reason() != Reason.ANCHOR_MISMATCH) {
                    throw e;
                }
                return Outcome.of(receipt, Verdict.invalid(Reason.ANCHOR_MISMATCH, e.getMessage()));
            }
            if (unsigned && anchor == null) {
                return Outcome.of(receipt, Verdict.invalid(Reason.MERKLE_PROOF_INVALID, "seal is not in a checkpoint yet; retry in a moment"));
            }
        }
        return Outcome.of(receipt, verify(receipt, signature, anchor, artifact));
    }

    private boolean isRevoked(String suiteId) {
        return suites.state().ledger().get(suiteId).map(e -> e.status() == SuiteStatus.REVOKED).orElse(false);
    }

    /** The verdict of the core verifier over the current trust bundle. */
    public Verdict verify(Receipt receipt, DualSignature signature, Anchor anchor, Optional<Digest> artifact) {
        return suites.state().verifier().verify(receipt, signature, anchor, artifact);
    }
}
