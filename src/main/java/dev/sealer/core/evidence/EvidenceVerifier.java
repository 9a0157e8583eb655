package dev.sealer.core.evidence;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.log.Checkpoint;
import dev.sealer.core.merkle.MerkleProofException;
import dev.sealer.core.merkle.MerkleVerifier;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.SuiteWindows;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Verifies an evidence package with nothing but the pinned trust bundle: no server, no
 * database. The package verdict covers the envelope (the authority's dual signature over the
 * exact body bytes, by a suite the pinned root certified, signing at {@code requested_at}), the
 * trust bundle it carries (the same root keys as the pinned one), the latest checkpoint and
 * completeness; each seal then gets its own verdict: its receipt through {@link SealVerifier}
 * (signatures, anchor, suite windows, revocation), the consistency of its anchoring checkpoint
 * with the latest one (a fork is refused), and the suite statuses the package states.
 */
public final class EvidenceVerifier {
    /** One seal's verdict. */
    public record SealResult(String role, String sealId, Verdict verdict) {
    }

    /** The verdict of the package as a whole and of each seal; the body is null when the envelope did not verify. */
    public record Report(Verdict packageVerdict, List<SealResult> seals, EvidencePackage.Body body) {
        /** Exit 0 of the offline verifier: the package and every seal in it hold. */
        public boolean allValid() {
            return packageVerdict.valid() && seals.stream().allMatch(s -> s.verdict().valid());
        }
    }

    private EvidenceVerifier() {
    }

    public static Report verify(byte[] file, TrustBundle pinned) {
        EvidencePackage.Envelope envelope;
        EvidencePackage.Body body;
        try {
            envelope = EvidencePackage.Envelope.parse(file);
            Verdict signed = checkSignature(envelope, pinned);
            if (!signed.valid()) {
                return new Report(signed, List.of(), null);
            }
            body = EvidencePackage.Body.parse(envelope.body());
        } catch (SealerException e) {
            return new Report(Verdict.invalid(e.reason(), e.getMessage()), List.of(), null);
        }
        TrustBundle carried = body.trust();
        if (!sameRoot(pinned, carried)) {
            return new Report(Verdict.invalid(Reason.SIGNATURE_INVALID, "the package's trust bundle is under other root keys than the pinned ones"),
                    List.of(), body);
        }
        // the carried bundle (its suites certified by the pinned root, its status list root-signed) may be newer than the pinned file
        SealVerifier verifier = new SealVerifier(carried, pinned.root());
        Verdict pkg = checkSigner(verifier, envelope, body);
        Checkpoint latest = null;
        if (pkg.valid()) {
            try {
                latest = verifier.checkpoint(body.latestCheckpointSuiteId(), body.latestCheckpoint());
                if (latest.size() != body.latestTreeSize()) {
                    pkg = Verdict.invalid(Reason.MERKLE_PROOF_INVALID, "the latest checkpoint is of size " + latest.size() + ", the package says " + body.latestTreeSize());
                }
            } catch (SealerException e) {
                pkg = Verdict.invalid(e.reason(), "latest checkpoint: " + e.getMessage());
            }
        }
        long selected = body.items().stream().filter(i -> i.role().equals("seal")).count();
        if (pkg.valid() && selected != body.sealCount()) {
            pkg = Verdict.invalid(Reason.PARTIAL_EVIDENCE, "the package says " + body.sealCount() + " seal(s) and carries " + selected);
        }
        if (pkg.valid() && !body.complete()) {
            pkg = Verdict.invalid(Reason.PARTIAL_EVIDENCE, "the package is incomplete: " + String.join("; ", body.missing()));
        }
        List<SealResult> seals = new ArrayList<>();
        for (EvidencePackage.Item item : body.items()) {
            seals.add(verifyItem(verifier, body, latest, item));
        }
        if (pkg.valid()) {
            pkg = Verdict.valid("evidence package of " + body.sealCount() + " seal(s) (" + (body.items().size() - body.sealCount())
                    + " ancestor(s)) signed by suite " + envelope.suiteId() + " for " + body.requestedBy() + " at "
                    + dev.sealer.core.time.Rfc3339.format(body.requestedAt()) + " (" + body.reason() + "); latest checkpoint " + latest.size()
                    + "; root keys " + EvidencePackage.rootFingerprint(pinned).substring(0, 16) + "…");
        }
        return new Report(pkg, seals, body);
    }

    /** The envelope's dual signature by a suite of the pinned bundle (the carried one is checked against it next). */
    private static Verdict checkSignature(EvidencePackage.Envelope envelope, TrustBundle pinned) {
        // a suite newer than the pinned bundle is found in the carried bundle, whose root is then compared
        TrustBundle carried = carriedOrPinned(envelope, pinned);
        Optional<SuiteCertificate> suite = pinned.suite(envelope.suiteId()).or(() -> sameRoot(pinned, carried) ? carried.suite(envelope.suiteId()) : Optional.empty());
        if (suite.isEmpty()) {
            return Verdict.invalid(Reason.UNKNOWN_SUITE, "the package is signed by suite " + envelope.suiteId() + ", not in the trust bundle");
        }
        if (!pinned.certifies(suite.get()) && !carried.trustedRoots(pinned.root()).stream().anyMatch(suite.get()::isCertifiedBy)) {
            return Verdict.invalid(Reason.SIGNATURE_INVALID, "suite " + envelope.suiteId() + " is not certified by the pinned root keys");
        }
        if (!suite.get().verifies(EvidencePackage.signedMessage(envelope.body()), envelope.signature())) {
            return Verdict.invalid(Reason.SIGNATURE_INVALID, "the package body does not verify under suite " + envelope.suiteId()
                    + ": it was changed (a seal removed, a proof or checkpoint replaced) or not signed by the authority");
        }
        return Verdict.valid("signed");
    }

    private static TrustBundle carriedOrPinned(EvidencePackage.Envelope envelope, TrustBundle pinned) {
        try {
            return EvidencePackage.Body.parse(envelope.body()).trust();
        } catch (SealerException e) {
            return pinned;
        }
    }

    /** The signing suite was signing at requested_at and not compromised then. */
    private static Verdict checkSigner(SealVerifier verifier, EvidencePackage.Envelope envelope, EvidencePackage.Body body) {
        try {
            SuiteWindows w = verifier.windows(envelope.suiteId()).orElseThrow();
            String at = EvidencePackage.status(w, body.requestedAt());
            if (!at.equals("signing") && !at.equals("overlap")) {
                return Verdict.invalid(at.startsWith("revoked") ? Reason.SUITE_REVOKED : Reason.OUTSIDE_VALIDITY,
                        "suite " + envelope.suiteId() + " was " + at + " at requested_at");
            }
            return Verdict.valid("signer");
        } catch (SealerException e) {
            return Verdict.invalid(e.reason(), e.getMessage());
        }
    }

    private static SealResult verifyItem(SealVerifier verifier, EvidencePackage.Body body, Checkpoint latest, EvidencePackage.Item item) {
        Receipt receipt;
        try {
            receipt = Receipt.parse(item.receipt());
        } catch (SealerException e) {
            return new SealResult(item.role(), "?", Verdict.invalid(e.reason(), e.getMessage()));
        }
        String id = receipt.sealId().toString();
        if (item.anchor() == null) {
            return new SealResult(item.role(), id, Verdict.invalid(Reason.PARTIAL_EVIDENCE, "no inclusion proof: the seal is not in a checkpoint of the package"));
        }
        Verdict v = verifier.verify(receipt, item.signature(), item.anchor(), Optional.empty());
        if (!v.valid()) {
            return new SealResult(item.role(), id, v);
        }
        if (latest == null) {
            return new SealResult(item.role(), id, Verdict.invalid(Reason.MERKLE_PROOF_INVALID, "the package's latest checkpoint does not verify"));
        }
        Checkpoint anchored = verifier.checkpoint(item.anchor().checkpointSuiteId(), item.anchor().checkpointNote());
        try {
            if (anchored.size() > latest.size()) {
                throw new IllegalArgumentException("checkpoint " + anchored.size() + " is after the latest checkpoint " + latest.size());
            }
            if (anchored.size() == latest.size()) {
                if (!Arrays.equals(anchored.rootHash(), latest.rootHash())) {
                    throw new IllegalArgumentException("two checkpoints of size " + latest.size() + " with different roots");
                }
            } else {
                MerkleVerifier.verifyConsistency(anchored.size(), latest.size(), item.consistency(), anchored.rootHash(), latest.rootHash());
            }
        } catch (MerkleProofException | IllegalArgumentException e) {
            return new SealResult(item.role(), id, Verdict.invalid(Reason.MERKLE_PROOF_INVALID,
                    "checkpoint " + anchored.size() + " is not consistent with the latest checkpoint " + latest.size() + " (a fork?): " + e.getMessage()));
        }
        SuiteWindows w = verifier.windows(receipt.suiteId()).orElseThrow();
        String atCommit = EvidencePackage.status(w, receipt.committedAt());
        String now = EvidencePackage.status(w, body.requestedAt());
        if (!atCommit.equals(item.statusAtCommit()) || !now.equals(item.statusNow())) {
            return new SealResult(item.role(), id, Verdict.invalid(Reason.ANCHOR_MISMATCH, "the package states suite " + receipt.suiteId() + " was '"
                    + item.statusAtCommit() + "' at commit and '" + item.statusNow() + "' at requested_at; the trust bundle says '" + atCommit + "' and '" + now + "'"));
        }
        return new SealResult(item.role(), id, Verdict.valid(v.detail() + "; consistent with checkpoint " + latest.size() + "; suite " + now + " at requested_at"));
    }

    /** The carried bundle's root is the pinned one, or one the carried bundle's root chain cross-certifies from it (root rollover). */
    private static boolean sameRoot(TrustBundle pinned, TrustBundle carried) {
        return EvidencePackage.rootFingerprint(pinned).equals(EvidencePackage.rootFingerprint(carried))
                || carried.trustedRoots(pinned.root()).stream().anyMatch(carried.root()::sameAs);
    }
}
