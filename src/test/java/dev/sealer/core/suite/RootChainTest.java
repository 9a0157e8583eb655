package dev.sealer.core.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.error.Reason;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import dev.sealer.testing.TestAuthority;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Root rollover in the core: cross-certificates in both directions, a bundle carrying the chain,
 * and the one verifier accepting seals of suites of either root from either pinned root.
 */
class RootChainTest {
    static final Instant AT = TestAuthority.T0.plusSeconds(3600);

    /** The old authority A and a new root B, whose suite is derived from A's root like the service does. */
    record Rolled(TestAuthority old, TestAuthority next, SuiteCertificate nextSuite, TrustBundle oldBundle, TrustBundle newBundle,
            RootCrossCertificate oldSignsNew, RootCrossCertificate newSignsOld) {
    }

    static Rolled roll() {
        TestAuthority a = new TestAuthority("suite-old");
        TestAuthority b = new TestAuthority("suite-new");
        RootCrossCertificate ab = RootCrossCertificate.issue("root", a, "root-2", b.publicKeys(), AT);
        RootCrossCertificate ba = RootCrossCertificate.issue("root-2", b, "root", a.publicKeys(), AT);
        TrustBundle next = new TrustBundle("test-authority", b.publicKeys(), List.of(a.certificate, b.certificate), AT, null, List.of(ab, ba));
        return new Rolled(a, b, b.certificate, a.trust, next, ab, ba);
    }

    @Test
    void newBundle_verifiesSealsOfBothRootsSuites_withItsOwnRootPinned_andWithTheOldRootPinned() {
        Rolled r = roll();
        SealBundle oldSeal = r.old().seal("weights-v1", AT);
        SealBundle newSeal = r.next().seal("weights-v2", AT);
        for (SealVerifier v : List.of(new SealVerifier(r.newBundle()), new SealVerifier(r.newBundle(), r.old().publicKeys()))) {
            assertTrue(v.verify(oldSeal, Optional.empty()).valid(), v.verify(oldSeal, Optional.empty()).detail());
            assertTrue(v.verify(newSeal, Optional.empty()).valid(), v.verify(newSeal, Optional.empty()).detail());
        }
        // the old bundle alone still verifies the old seal, and does not know the new suite
        SealVerifier old = new SealVerifier(r.oldBundle());
        assertTrue(old.verify(oldSeal, Optional.empty()).valid());
        assertEquals(Reason.UNKNOWN_SUITE, old.verify(newSeal, Optional.empty()).reason());
    }

    @Test
    void withoutTheNewSignsOldCertificate_aVerifierPinningTheNewRoot_rejectsTheOldSuite() {
        Rolled r = roll();
        TrustBundle oneWay = new TrustBundle("test-authority", r.next().publicKeys(), List.of(r.old().certificate, r.nextSuite()), AT, null,
                List.of(r.oldSignsNew()));
        Verdict v = new SealVerifier(oneWay).verify(r.old().seal("weights-v1", AT), Optional.empty());
        assertEquals(Reason.SIGNATURE_INVALID, v.reason(), v.detail());
        // pinned at the old root, the one-way chain suffices
        assertTrue(new SealVerifier(oneWay, r.old().publicKeys()).verify(r.old().seal("weights-v1", AT), Optional.empty()).valid());
    }

    @Test
    void aBundleWhoseRootTheChainDoesNotReachFromThePin_isRefused_andAForgedCrossCertificateDoesNotExtendTrust() {
        Rolled r = roll();
        TestAuthority mallory = new TestAuthority("suite-m");
        // mallory signs a cross-certificate claiming the old root vouches for her: the issuer's signatures do not verify
        RootCrossCertificate forged = new RootCrossCertificate("root", r.old().publicKeys(), "evil", mallory.publicKeys(), AT,
                mallory.ecdsaP256(new byte[] {1}), mallory.mlDsa(new byte[] {1}));
        assertFalse(forged.isSigned());
        TrustBundle evil = new TrustBundle("test-authority", mallory.publicKeys(), List.of(mallory.certificate), AT, null, List.of(forged));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SealVerifier(evil, r.old().publicKeys()));
        assertTrue(e.getMessage().contains("neither the pinned root keys nor cross-certified"), e.getMessage());
        assertEquals(1, evil.trustedRoots(r.old().publicKeys()).size());
        // a changed byte in a genuine cross-certificate breaks it
        RootCrossCertificate ab = r.oldSignsNew();
        RootCrossCertificate later = new RootCrossCertificate(ab.issuerId(), ab.issuer(), ab.subjectId(), ab.subject(), AT.plusSeconds(1),
                ab.ecdsaSignature(), ab.mlDsaSignature());
        assertFalse(later.isSigned());
    }

    @Test
    void chain_roundTripsThroughJson_andABundleWithoutChainHasNoRootChainMember() {
        Rolled r = roll();
        TrustBundle parsed = TrustBundle.parse(r.newBundle().toJson());
        assertEquals(r.newBundle().toJson(), parsed.toJson());
        assertEquals(2, parsed.rootChain().size());
        assertTrue(parsed.rootChain().stream().allMatch(RootCrossCertificate::isSigned));
        assertFalse(r.oldBundle().toJson().contains("root_chain"));
        assertTrue(new String(r.oldSignsNew().signedMessage()).startsWith(SignedMessage.ROOT_CROSS_CERTIFICATE));
    }

    @Test
    void adopt_onAnEmptyHistory_createsAndActivatesTheCeremonysSuiteAsCertified_elseActsAsStart() {
        TestAuthority a = new TestAuthority("suite-ceremony");
        SuiteLifecycle.Policy policy = new SuiteLifecycle.Policy(java.time.Duration.ofDays(365), java.time.Duration.ofDays(30), java.time.Duration.ZERO);
        SuiteLifecycle.SuiteFactory never = (f, u, v) -> {
            throw new AssertionError("no suite is made when the ceremony's is adopted");
        };
        List<SuiteEvent> events = SuiteLifecycle.decide(SuiteLedger.fold(List.of()), AT, new SuiteLifecycle.Adopt(a.certificate, "key-ceremony"), policy, never);
        assertEquals(List.of(SuiteEvent.Type.CREATED, SuiteEvent.Type.ACTIVATED), events.stream().map(SuiteEvent::type).toList());
        SuiteLedger ledger = SuiteLedger.fold(events);
        assertEquals(a.certificate, ledger.active().orElseThrow().certificate());
        assertTrue(SuiteLifecycle.decide(ledger, AT, new SuiteLifecycle.Adopt(a.certificate, "key-ceremony"), policy, never).isEmpty());
        Instant tooLate = a.certificate.signUntil();
        assertEquals(Reason.OUTSIDE_VALIDITY, assertThrows(dev.sealer.core.error.SealerException.class, () -> SuiteLifecycle.decide(
                SuiteLedger.fold(List.of()), tooLate, new SuiteLifecycle.Adopt(a.certificate, "key-ceremony"), policy, never)).reason());
    }
}
