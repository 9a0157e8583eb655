package dev.sealer.core.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.error.Reason;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.log.Checkpoint;
import dev.sealer.core.log.CheckpointKeys;
import dev.sealer.core.log.SignedNote;
import dev.sealer.core.merkle.ReferenceTree;
import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteWindows;
import dev.sealer.core.time.Rfc3339;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.testing.TestAuthority;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The offline evidence verifier against packages built here from a known log (a reference tree,
 * checkpoints signed with the suite's keys): a good package holds; each defect is refused with
 * its reason, including defects inside a package the authority did sign (a swapped proof, a fork,
 * a stated status the trust bundle contradicts, a seal count that does not add up).
 */
class EvidenceVerifierTest {
    static final TestAuthority AUTHORITY = new TestAuthority("suite-evidence-1");
    static final TestAuthority OTHER = new TestAuthority("suite-evidence-1");
    static final Instant AT = TestAuthority.T0.plus(Duration.ofDays(10));
    static final String ORIGIN = "test-authority/log";

    /** A log of six receipts; checkpoints at 4 (the seals' anchor) and 6 (the latest). */
    record Log(List<Receipt> receipts, ReferenceTree tree, String cp4, String cp6) {
    }

    static Log log(String forkAt5) {
        List<Receipt> receipts = new ArrayList<>();
        ReferenceTree tree = new ReferenceTree();
        for (int i = 0; i < 6; i++) {
            Receipt r = AUTHORITY.receipt(i == 5 && forkAt5 != null ? forkAt5 : "artifact-" + i, AT.plusSeconds(i));
            receipts.add(r);
            tree.add(Rfc6962.leafHash(r.canonicalBytes()));
        }
        return new Log(receipts, tree, note(4, tree.mth(0, 4)), note(6, tree.mth(0, 6)));
    }

    static String note(long size, byte[] root) {
        Checkpoint cp = new Checkpoint(ORIGIN, size, root, List.of(SealVerifier.CHECKPOINT_TIME_PREFIX + Rfc3339.format(AT.plusSeconds(60 + size))));
        return SignedNote.sign(cp.body(), CheckpointKeys.signers(AUTHORITY.suite));
    }

    static EvidencePackage.Item item(Log log, int leaf, String role) {
        Receipt r = log.receipts().get(leaf);
        DualSignature sig = AUTHORITY.suite.sign(SignedMessage.receipt(r.canonicalBytes()));
        Anchor anchor = new Anchor(leaf, 4, log.tree().path(leaf, 4), log.cp4(), AUTHORITY.certificate.suiteId());
        SuiteWindows w = SuiteWindows.of(AUTHORITY.certificate, null);
        return new EvidencePackage.Item(role, r.canonicalBytes(), sig, anchor, log.tree().proof(4, 6), EvidencePackage.status(w, r.committedAt()),
                EvidencePackage.status(w, AT.plus(Duration.ofDays(1))));
    }

    static EvidencePackage.Body body(Log log, List<EvidencePackage.Item> items, int count) {
        return new EvidencePackage.Body("test-authority", Map.of("request_id", "req-x"), "CN=auditor", AT.plus(Duration.ofDays(1)), "audit",
                AUTHORITY.trust, log.cp6(), AUTHORITY.certificate.suiteId(), 6, items, count, List.of());
    }

    static byte[] signed(EvidencePackage.Body body) {
        byte[] bytes = body.toBytes();
        return new EvidencePackage.Envelope(bytes, AUTHORITY.certificate.suiteId(), AUTHORITY.suite.sign(EvidencePackage.signedMessage(bytes)))
                .toJson().getBytes(StandardCharsets.UTF_8);
    }

    static EvidencePackage.Body good() {
        Log log = log(null);
        return body(log, List.of(item(log, 1, "seal"), item(log, 3, "seal"), item(log, 0, "ancestor")), 2);
    }

    @Test
    void goodPackage_everySealValid_packageValid() {
        EvidenceVerifier.Report r = EvidenceVerifier.verify(signed(good()), AUTHORITY.trust);
        assertTrue(r.allValid(), () -> r.packageVerdict() + " " + r.seals());
        assertEquals(3, r.seals().size());
        assertEquals(List.of("seal", "seal", "ancestor"), r.seals().stream().map(EvidenceVerifier.SealResult::role).toList());
    }

    @Test
    void sealRemovedFromTheSignedBytes_isRefusedAsNotSignedByTheAuthority() {
        byte[] file = signed(good());
        EvidencePackage.Envelope e = EvidencePackage.Envelope.parse(file);
        EvidencePackage.Body b = EvidencePackage.Body.parse(e.body());
        byte[] trimmed = new EvidencePackage.Body(b.authority(), b.query(), b.requestedBy(), b.requestedAt(), b.reason(), b.trust(), b.latestCheckpoint(),
                b.latestCheckpointSuiteId(), b.latestTreeSize(), b.items().subList(1, 3), 1, b.missing()).toBytes();
        byte[] forged = new EvidencePackage.Envelope(trimmed, e.suiteId(), e.signature()).toJson().getBytes(StandardCharsets.UTF_8);
        assertRefused(forged, Reason.SIGNATURE_INVALID);
    }

    /** A package carrying the bundle of a rolled root (new root, cross-certified both ways, the old suites). */
    static byte[] rolled(boolean withChain) {
        TestAuthority next = new TestAuthority("suite-evidence-2");
        List<dev.sealer.core.suite.RootCrossCertificate> chain = withChain
                ? List.of(dev.sealer.core.suite.RootCrossCertificate.issue("root", AUTHORITY, "root-2", next.publicKeys(), AT),
                        dev.sealer.core.suite.RootCrossCertificate.issue("root-2", next, "root", AUTHORITY.publicKeys(), AT))
                : List.of();
        dev.sealer.core.suite.TrustBundle carried = new dev.sealer.core.suite.TrustBundle("test-authority", next.publicKeys(),
                List.of(AUTHORITY.certificate), AT, null, chain);
        Log log = log(null);
        EvidencePackage.Body b = body(log, List.of(item(log, 1, "seal")), 1);
        return signed(new EvidencePackage.Body(b.authority(), b.query(), b.requestedBy(), b.requestedAt(), b.reason(), carried, b.latestCheckpoint(),
                b.latestCheckpointSuiteId(), b.latestTreeSize(), b.items(), 1, b.missing()));
    }

    @Test
    void packageCarryingARolledRootsBundle_holdsForTheOldPin_throughItsChain_andIsRefusedWithoutIt() {
        EvidenceVerifier.Report r = EvidenceVerifier.verify(rolled(true), AUTHORITY.trust);
        assertTrue(r.allValid(), () -> r.packageVerdict() + " " + r.seals());
        assertRefused(rolled(false), Reason.SIGNATURE_INVALID);
    }

    @Test
    void packageOfAnotherRoot_isRefused() {
        assertRefused(signed(good()), Reason.SIGNATURE_INVALID, OTHER);
    }

    @Test
    void signedPackageWithASwappedInclusionProof_failsThatSeal() {
        Log log = log(null);
        EvidencePackage.Item ok = item(log, 1, "seal");
        EvidencePackage.Item swapped = new EvidencePackage.Item("seal", ok.receipt(), ok.signature(),
                new Anchor(1, 4, log.tree().path(2, 4), log.cp4(), AUTHORITY.certificate.suiteId()), ok.consistency(), ok.statusAtCommit(), ok.statusNow());
        EvidenceVerifier.Report r = EvidenceVerifier.verify(signed(body(log, List.of(swapped), 1)), AUTHORITY.trust);
        assertTrue(r.packageVerdict().valid());
        assertEquals(Reason.MERKLE_PROOF_INVALID, r.seals().getFirst().verdict().reason());
        assertFalse(r.allValid());
    }

    @Test
    void signedPackageWhoseLatestCheckpointIsAFork_failsConsistency() {
        Log log = log(null);
        Log fork = log("another history at leaf 5");
        EvidencePackage.Body b = new EvidencePackage.Body("test-authority", Map.of(), "CN=auditor", AT.plus(Duration.ofDays(1)), "incident",
                AUTHORITY.trust, fork.cp6(), AUTHORITY.certificate.suiteId(), 6, List.of(item(log, 1, "seal")), 1, List.of());
        EvidenceVerifier.Report r = EvidenceVerifier.verify(signed(b), AUTHORITY.trust);
        assertEquals(Reason.MERKLE_PROOF_INVALID, r.seals().getFirst().verdict().reason(), () -> r.seals().toString());
        assertTrue(r.seals().getFirst().verdict().detail().contains("not consistent"));
    }

    @Test
    void signedPackageStatingAStatusTheTrustBundleContradicts_failsThatSeal() {
        Log log = log(null);
        EvidencePackage.Item ok = item(log, 1, "seal");
        EvidencePackage.Item lying = new EvidencePackage.Item("seal", ok.receipt(), ok.signature(), ok.anchor(), ok.consistency(), ok.statusAtCommit(),
                "revoked since 2026-01-02T00:00:00Z");
        EvidenceVerifier.Report r = EvidenceVerifier.verify(signed(body(log, List.of(lying), 1)), AUTHORITY.trust);
        assertEquals(Reason.ANCHOR_MISMATCH, r.seals().getFirst().verdict().reason());
    }

    @Test
    void signedPackageWhoseSealCountDoesNotAddUp_isPartial() {
        Log log = log(null);
        EvidenceVerifier.Report r = EvidenceVerifier.verify(signed(body(log, List.of(item(log, 1, "seal")), 2)), AUTHORITY.trust);
        assertEquals(Reason.PARTIAL_EVIDENCE, r.packageVerdict().reason());
        assertFalse(r.allValid());
    }

    @Test
    void incompletePackage_namesWhatIsMissing_andNeverPassesAsComplete() {
        Log log = log(null);
        Receipt r5 = log.receipts().get(5);
        EvidencePackage.Item unanchored = new EvidencePackage.Item("seal", r5.canonicalBytes(), AUTHORITY.suite.sign(SignedMessage.receipt(r5.canonicalBytes())),
                null, List.of(), "signing", "signing");
        EvidencePackage.Body b = new EvidencePackage.Body("test-authority", Map.of(), "CN=auditor", AT.plus(Duration.ofDays(1)), "audit",
                AUTHORITY.trust, log.cp6(), AUTHORITY.certificate.suiteId(), 6, List.of(unanchored), 1,
                List.of("inclusion proof of seal " + r5.sealId() + ": no checkpoint covers it yet"));
        EvidenceVerifier.Report r = EvidenceVerifier.verify(signed(b), AUTHORITY.trust);
        assertEquals(Reason.PARTIAL_EVIDENCE, r.packageVerdict().reason());
        assertTrue(r.packageVerdict().detail().contains(r5.sealId().toString()));
        assertEquals(Reason.PARTIAL_EVIDENCE, r.seals().getFirst().verdict().reason());
    }

    @Test
    void bytesThatAreNoPackage_areMalformed() {
        for (String junk : List.of("", "{}", "[1,2]", "{\"format\":\"sealer-evidence-envelope/v1\",\"body\":\"!!\",\"suite_id\":\"x\",\"signatures\":{}}",
                "not json at all")) {
            assertRefused(junk.getBytes(StandardCharsets.UTF_8), Reason.MALFORMED_BUNDLE);
        }
    }

    @Test
    void statusWording_coversEveryPhaseOfASuite() {
        SuiteWindows w = new SuiteWindows("s", TestAuthority.T0, TestAuthority.T0.plusSeconds(100), TestAuthority.T0.plusSeconds(200), null);
        assertEquals("not-yet-signing", EvidencePackage.status(w, TestAuthority.T0.minusSeconds(1)));
        assertEquals("signing", EvidencePackage.status(w, TestAuthority.T0));
        assertEquals("overlap", EvidencePackage.status(w, TestAuthority.T0.plusSeconds(150)));
        assertEquals("retired", EvidencePackage.status(w, TestAuthority.T0.plusSeconds(250)));
        SuiteWindows revoked = new SuiteWindows("s", TestAuthority.T0, TestAuthority.T0.plusSeconds(100), TestAuthority.T0.plusSeconds(200),
                TestAuthority.T0.plusSeconds(50));
        assertEquals("signing", EvidencePackage.status(revoked, TestAuthority.T0.plusSeconds(49)));
        assertEquals("revoked since " + Rfc3339.format(TestAuthority.T0.plusSeconds(50)), EvidencePackage.status(revoked, TestAuthority.T0.plusSeconds(50)));
    }

    private static void assertRefused(byte[] file, Reason reason) {
        assertRefused(file, reason, AUTHORITY);
    }

    private static void assertRefused(byte[] file, Reason reason, TestAuthority pinned) {
        EvidenceVerifier.Report r = EvidenceVerifier.verify(file, pinned.trust);
        assertFalse(r.allValid());
        assertEquals(reason, r.packageVerdict().reason(), () -> r.packageVerdict().detail());
    }

}
