package dev.sealer.core.verify;

import dev.sealer.core.error.Reason;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.seal.SignedMessage;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.TrustBundle;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies seals from a pinned trust bundle alone: pure computation, no server, no database.
 * The service's Verify RPC and the offline {@code sealer verify} command both use this class.
 *
 * <p>Checks, in order: the suite is known and certified by both root keys (UNKNOWN_SUITE,
 * SIGNATURE_INVALID), both suite signatures over the domain-separated canonical receipt
 * (SIGNATURE_INVALID), the receipt was committed inside the suite's signing window
 * (OUTSIDE_VALIDITY), and the artifact digest equals the sealed one (ANCHOR_MISMATCH).
 */
public final class SealVerifier {
    private final TrustBundle trust;
    private final Map<String, Boolean> certified = new ConcurrentHashMap<>();

    public SealVerifier(TrustBundle trust) {
        this.trust = trust;
    }

    public TrustBundle trust() {
        return trust;
    }

    public Verdict verify(SealBundle bundle, Optional<Digest> artifact) {
        return verify(bundle.receipt(), bundle.signature(), artifact);
    }

    public Verdict verify(Receipt receipt, DualSignature signature, Optional<Digest> artifact) {
        Optional<SuiteCertificate> found = trust.suite(receipt.suiteId());
        if (found.isEmpty()) {
            return Verdict.invalid(Reason.UNKNOWN_SUITE, "suite " + receipt.suiteId() + " is not in the trust bundle");
        }
        SuiteCertificate suite = found.get();
        if (!certified.computeIfAbsent(suite.suiteId(), id -> suite.isCertifiedBy(trust.root()))) {
            return Verdict.invalid(Reason.SIGNATURE_INVALID, "suite certificate of " + suite.suiteId() + " is not signed by the pinned root keys");
        }
        if (signature == null || signature.ed25519() == null || signature.mlDsa() == null) {
            return Verdict.invalid(Reason.SIGNATURE_INVALID, "a seal needs both the ed25519 and the " + suite.pqAlgorithm().id() + " signature");
        }
        if (!suite.verifies(SignedMessage.receipt(receipt.canonicalBytes()), signature)) {
            return Verdict.invalid(Reason.SIGNATURE_INVALID, "receipt signatures do not verify under suite " + suite.suiteId());
        }
        if (receipt.committedAt().isBefore(suite.signFrom()) || !receipt.committedAt().isBefore(suite.signUntil())) {
            return Verdict.invalid(Reason.OUTSIDE_VALIDITY, "committed_at " + Receipt.formatTime(receipt.committedAt())
                    + " is outside the signing window of suite " + suite.suiteId());
        }
        if (artifact.isPresent() && !artifact.get().matches(receipt.digest())) {
            return Verdict.invalid(Reason.ANCHOR_MISMATCH, "the artifact digest " + artifact.get() + " is not the sealed digest");
        }
        return Verdict.valid("seal " + receipt.sealId() + " is valid under suite " + suite.suiteId()
                + (artifact.isPresent() ? " and matches the artifact" : " (artifact not checked)"));
    }
}
