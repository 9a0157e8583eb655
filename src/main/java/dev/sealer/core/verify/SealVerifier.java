package dev.sealer.core.verify;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.log.Checkpoint;
import dev.sealer.core.log.CheckpointKeys;
import dev.sealer.core.log.SignedNote;
import dev.sealer.core.merkle.MerkleProofException;
import dev.sealer.core.merkle.MerkleVerifier;
import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteWindows;
import dev.sealer.core.suite.SuiteStatusList;
import java.time.Instant;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.tsa.CheckpointStamp;
import dev.sealer.core.tsa.TimestampException;
import dev.sealer.core.tsa.TimestampVerifier;
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
    /** Suite ids whose certificate was checked against the root keys, and the outcome. */
    private final Map<String, Boolean> certified = new ConcurrentHashMap<>();
    /** Whether the bundle's status list is signed by the root keys; null until first checked (apart from suite ids: any string is a suite id). */
    private volatile Boolean statusListSigned;

    /** The root key sets suite certificates may be signed by: the pinned root and those its chain reaches. */
    private final java.util.List<dev.sealer.core.suite.RootKeys> trustedRoots;

    /** Verifies with the bundle's own root pinned (and the roots its chain reaches from there). */
    public SealVerifier(TrustBundle trust) {
        this(trust, trust.root());
    }

    /**
     * Verifies with {@code pinned} as the trust anchor: a bundle issued after a root rollover is
     * accepted when its chain of cross-certificates leads from the pinned root to the bundle's
     * root; suites certified by any root on the way verify. Throws IllegalArgumentException when the
     * bundle's root is not reachable from the pinned one.
     */
    public SealVerifier(TrustBundle trust, dev.sealer.core.suite.RootKeys pinned) {
        this.trust = trust;
        this.trustedRoots = trust.trustedRoots(pinned);
        if (trustedRoots.stream().noneMatch(trust.root()::sameAs)) {
            throw new IllegalArgumentException("the trust bundle's root keys are neither the pinned root keys nor cross-certified from them");
        }
    }

    private boolean isCertified(SuiteCertificate suite) {
        return trustedRoots.stream().anyMatch(suite::isCertifiedBy);
    }

    public TrustBundle trust() {
        return trust;
    }

    public Verdict verify(SealBundle bundle, Optional<Digest> artifact) {
        return verify(bundle.receipt(), bundle.signature(), bundle.anchor(), artifact);
    }

    public Verdict verify(Receipt receipt, DualSignature signature, Optional<Digest> artifact) {
        return verify(receipt, signature, null, artifact);
    }

    /**
     * A seal is valid when its receipt carries both suite signatures, or when it carries none
     * and is anchored: its leaf is included in a checkpoint dual-signed by a certified suite.
     * When both are present, both must hold.
     */
    public Verdict verify(Receipt receipt, DualSignature signature, Anchor anchor, Optional<Digest> artifact) {
        Optional<SuiteCertificate> found = trust.suite(receipt.suiteId());
        if (found.isEmpty()) {
            return Verdict.invalid(Reason.UNKNOWN_SUITE, "suite " + receipt.suiteId() + " is not in the trust bundle");
        }
        SuiteCertificate suite = found.get();
        if (!certified.computeIfAbsent(suite.suiteId(), id -> isCertified(suite))) {
            return Verdict.invalid(Reason.SIGNATURE_INVALID, "suite certificate of " + suite.suiteId() + " is not signed by the pinned root keys (nor by a root cross-certified from them)");
        }
        boolean unsigned = signature == null || (signature.ed25519() == null && signature.mlDsa() == null);
        if (!(unsigned && anchor != null)) {
            if (signature == null || signature.ed25519() == null || signature.mlDsa() == null) {
                return Verdict.invalid(Reason.SIGNATURE_INVALID, "a seal needs both the ed25519 and the " + suite.pqAlgorithm().id() + " signature");
            }
            if (!suite.verifies(SignedMessage.receipt(receipt.canonicalBytes()), signature)) {
                return Verdict.invalid(Reason.SIGNATURE_INVALID, "receipt signatures do not verify under suite " + suite.suiteId());
            }
        }
        String stamped = "";
        if (anchor != null) {
            Verdict anchored = verifyAnchor(receipt, anchor);
            if (!anchored.valid()) {
                return anchored;
            }
            int at = anchored.detail().indexOf(", time-stamped ");
            stamped = at < 0 ? "" : anchored.detail().substring(at);
        }
        Optional<SuiteStatusList.Entry> status;
        try {
            status = status(suite.suiteId());
        } catch (IllegalStateException e) {
            return Verdict.invalid(Reason.SIGNATURE_INVALID, e.getMessage());
        }
        SuiteWindows windows = SuiteWindows.of(suite, status.orElse(null));
        if (!windows.signsAt(receipt.committedAt())) {
            return Verdict.invalid(Reason.OUTSIDE_VALIDITY, "committed_at " + dev.sealer.core.time.Rfc3339.format(receipt.committedAt())
                    + " is outside the signing window of suite " + suite.suiteId() + " [" + dev.sealer.core.time.Rfc3339.format(windows.signFrom()) + ", "
                    + dev.sealer.core.time.Rfc3339.format(windows.signUntil()) + ")");
        }
        if (windows.revoked()) {
            Instant since = windows.compromisedSince();
            if (!receipt.committedAt().isBefore(since)) {
                return Verdict.invalid(Reason.SUITE_REVOKED, "suite " + suite.suiteId() + " is revoked: compromised since "
                        + dev.sealer.core.time.Rfc3339.format(since) + ", this seal was committed after");
            }
            Instant anchoredAt = anchor == null ? null : checkpointTime(anchor);
            if (windows.revocationInvalidates(receipt.committedAt(), anchoredAt)) {
                return Verdict.invalid(Reason.SUITE_REVOKED, "suite " + suite.suiteId() + " is revoked (compromised since " + dev.sealer.core.time.Rfc3339.format(since)
                        + "): the seal is not anchored in a checkpoint " + (trust.timestampAuthorities().isEmpty() ? "signed" : "time-stamped")
                        + " before that time");
            }
        }
        if (artifact.isPresent() && !artifact.get().matches(receipt.digest())) {
            return Verdict.invalid(Reason.ANCHOR_MISMATCH, "the artifact digest " + artifact.get() + " is not the sealed digest");
        }
        return Verdict.valid("seal " + receipt.sealId() + " is valid under suite " + suite.suiteId()
                + (anchor != null ? ", included in checkpoint " + anchor.treeSize() + " signed by " + anchor.checkpointSuiteId() + stamped : "")
                + (artifact.isPresent() ? " and matches the artifact" : " (artifact not checked)"));
    }

    /** The root-signed lifecycle entry of a suite; throws when the bundle's status list is not signed by the root keys. */
    private Optional<SuiteStatusList.Entry> status(String suiteId) {
        SuiteStatusList list = trust.statusList();
        if (list == null) {
            return Optional.empty();
        }
        Boolean signed = statusListSigned;
        if (signed == null) {
            signed = list.isSignedBy(trust.root());
            statusListSigned = signed;
        }
        if (!signed) {
            throw new IllegalStateException("the suite status list is not signed by the pinned root keys");
        }
        return list.entry(suiteId);
    }

    /**
     * When the checkpoint of {@code anchor} provably existed, or null when nothing proves it. With
     * time-stamping authorities in the trust bundle this is the {@code genTime} of the checkpoint's
     * RFC 3161 token (verified against them; an untimestamped checkpoint proves no time); a bundle
     * naming no TSA falls back to the checkpoint's own {@code time} line. A checkpoint signed by a
     * suite that was already compromised at that time proves nothing either.
     */
    private Instant checkpointTime(Anchor anchor) {
        try {
            Optional<SuiteCertificate> signer = trust.suite(anchor.checkpointSuiteId());
            if (signer.isEmpty()) {
                return null;
            }
            Checkpoint cp = openCheckpoint(signer.get(), anchor.checkpointNote());
            Instant t = null;
            if (!trust.timestampAuthorities().isEmpty()) {
                if (anchor.checkpointTimestamp() == null) {
                    return null;
                }
                t = checkpointToken(anchor).genTime();
            } else {
                for (String ext : cp.extensions()) {
                    if (ext.startsWith(CHECKPOINT_TIME_PREFIX)) {
                        t = dev.sealer.core.time.Rfc3339.parse(ext.substring(CHECKPOINT_TIME_PREFIX.length()));
                        break;
                    }
                }
            }
            if (t == null) {
                return null;
            }
            SuiteWindows signerWindows = SuiteWindows.of(signer.get(), status(signer.get().suiteId()).orElse(null));
            if (signerWindows.revoked() && !t.isBefore(signerWindows.compromisedSince())) {
                return null; // signed by a key already compromised at that time: proves nothing
            }
            return t;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The checkpoint's time-stamp token, verified against the bundle's TSAs over the checkpoint body; throws TimestampException. */
    public TimestampVerifier.Verified checkpointToken(Anchor anchor) {
        byte[] token = anchor.checkpointTimestamp();
        String key = anchor.checkpointNote() + '\n' + java.util.Base64.getEncoder().encodeToString(token);
        TimestampVerifier.Verified v = verifiedTokens.get(key);
        if (v == null) {
            v = TimestampVerifier.verify(token, CheckpointStamp.IMPRINT_ALGORITHM, CheckpointStamp.imprint(anchor.checkpointNote()),
                    trust.timestampAuthorities(), trust.root().ecdsaP256());
            if (verifiedTokens.size() >= OPENED_CHECKPOINTS_KEPT) {
                verifiedTokens.clear();
            }
            verifiedTokens.put(key, v);
        }
        return v;
    }

    /** Checkpoint tokens that verified, by exact note and token bytes: one checkpoint anchors many seals. */
    private final ConcurrentHashMap<String, TimestampVerifier.Verified> verifiedTokens = new ConcurrentHashMap<>();

    /** Checkpoint notes whose dual signature already verified, by suite and exact text: one checkpoint anchors many seals. */
    private final java.util.concurrent.ConcurrentHashMap<String, Checkpoint> openedCheckpoints = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int OPENED_CHECKPOINTS_KEPT = 256;

    /**
     * The checkpoint in {@code note}, whose signatures by suite {@code s} verify (else throws). A
     * note that verified before is not verified again: the key is the exact text, so any change
     * to it is verified afresh.
     */
    private Checkpoint openCheckpoint(SuiteCertificate s, String note) {
        String key = s.suiteId() + '\n' + note;
        Checkpoint cp = openedCheckpoints.get(key);
        if (cp == null) {
            cp = Checkpoint.parse(SignedNote.open(note, CheckpointKeys.verifiers(s)));
            if (openedCheckpoints.size() >= OPENED_CHECKPOINTS_KEPT) {
                openedCheckpoints.clear();
            }
            openedCheckpoints.put(key, cp);
        }
        return cp;
    }

    /** Checkpoint extension line carrying the signing time, e.g. {@code time 2026-11-22T00:00:00.000000Z}. */
    public static final String CHECKPOINT_TIME_PREFIX = "time ";

    /** The leaf hash of the receipt is included, by the proof, in the root of a checkpoint signed by a certified suite. */
    public Verdict verifyAnchor(Receipt receipt, Anchor anchor) {
        Optional<SuiteCertificate> signer = trust.suite(anchor.checkpointSuiteId());
        if (signer.isEmpty()) {
            return Verdict.invalid(Reason.UNKNOWN_SUITE, "checkpoint signer " + anchor.checkpointSuiteId() + " is not in the trust bundle");
        }
        SuiteCertificate s = signer.get();
        if (!certified.computeIfAbsent(s.suiteId(), id -> isCertified(s))) {
            return Verdict.invalid(Reason.SIGNATURE_INVALID, "suite certificate of " + s.suiteId() + " is not signed by the pinned root keys (nor by a root cross-certified from them)");
        }
        Checkpoint checkpoint;
        try {
            checkpoint = openCheckpoint(s, anchor.checkpointNote());
        } catch (RuntimeException e) {
            return Verdict.invalid(Reason.SIGNATURE_INVALID, "checkpoint is not dual-signed by suite " + s.suiteId() + ": " + e.getMessage());
        }
        if (checkpoint.size() != anchor.treeSize()) {
            return Verdict.invalid(Reason.MERKLE_PROOF_INVALID, "checkpoint size " + checkpoint.size() + " is not the anchor's tree size " + anchor.treeSize());
        }
        try {
            MerkleVerifier.verifyInclusion(anchor.leafIndex(), anchor.treeSize(), Rfc6962.leafHash(receipt.canonicalBytes()),
                    anchor.inclusionProof(), checkpoint.rootHash());
        } catch (MerkleProofException | IllegalArgumentException e) {
            return Verdict.invalid(Reason.MERKLE_PROOF_INVALID, "receipt is not included in checkpoint " + anchor.treeSize() + ": " + e.getMessage());
        }
        if (anchor.checkpointTimestamp() != null && !trust.timestampAuthorities().isEmpty()) {
            try {
                var token = checkpointToken(anchor);
                return Verdict.valid("included in checkpoint " + anchor.treeSize() + ", time-stamped " + dev.sealer.core.time.Rfc3339.format(token.genTime())
                        + " by " + token.tsa());
            } catch (TimestampException e) {
                return Verdict.invalid(Reason.TIMESTAMP_INVALID, "the checkpoint's time-stamp token does not verify: " + e.getMessage());
            }
        }
        return Verdict.valid("included in checkpoint " + anchor.treeSize());
    }

    /**
     * The checkpoint in {@code note}, dual-signed by suite {@code suiteId} of the trust bundle,
     * whose certificate the pinned root keys signed; else UNKNOWN_SUITE or SIGNATURE_INVALID.
     */
    public Checkpoint checkpoint(String suiteId, String note) {
        SuiteCertificate s = trust.suite(suiteId).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SUITE,
                "checkpoint signer " + suiteId + " is not in the trust bundle"));
        if (!certified.computeIfAbsent(s.suiteId(), id -> isCertified(s))) {
            throw new SealerException(Reason.SIGNATURE_INVALID, "suite certificate of " + s.suiteId() + " is not signed by the pinned root keys");
        }
        try {
            return openCheckpoint(s, note);
        } catch (RuntimeException e) {
            throw new SealerException(Reason.SIGNATURE_INVALID, "checkpoint is not dual-signed by suite " + s.suiteId() + ": " + e.getMessage(), e);
        }
    }

    /** A suite's windows by its certificate and the root-signed status list (SIGNATURE_INVALID when the list is not root-signed). */
    public Optional<SuiteWindows> windows(String suiteId) {
        Optional<SuiteCertificate> s = trust.suite(suiteId);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SuiteWindows.of(s.get(), status(suiteId).orElse(null)));
        } catch (IllegalStateException e) {
            throw new SealerException(Reason.SIGNATURE_INVALID, e.getMessage(), e);
        }
    }

    /** Whether the pinned root keys certified suite {@code suiteId} of the bundle. */
    public boolean certifies(String suiteId) {
        return trust.suite(suiteId).map(s -> certified.computeIfAbsent(s.suiteId(), id -> isCertified(s))).orElse(false);
    }
}
