package dev.sealer.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.testing.TestAuthority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The offline verifier against tampering: every flipped bit and every stripped signature fails with the right reason. */
class SealVerifierTest {
    static final TestAuthority AUTHORITY = new TestAuthority("suite-test-1");
    static final SealVerifier VERIFIER = new SealVerifier(AUTHORITY.trust);

    @Test
    void verify_untouchedSealWithItsArtifact_isValid() {
        SealBundle seal = AUTHORITY.seal("weights", TestAuthority.T0.plus(Duration.ofDays(1)));
        Verdict v = VERIFIER.verify(seal, Optional.of(TestAuthority.sha256("weights")));
        assertTrue(v.valid(), v.detail());
        assertTrue(VERIFIER.verify(SealBundle.parse(seal.toJson()), Optional.of(TestAuthority.sha256("weights"))).valid(), "JSON round trip");
    }

    @Test
    void verify_everySingleBitFlipOfTheReceiptBytes_isRejected() {
        SealBundle seal = AUTHORITY.seal("dataset", TestAuthority.T0.plus(Duration.ofDays(2)));
        byte[] canonical = seal.receipt().canonicalBytes();
        List<String> accepted = new ArrayList<>();
        for (int bit = 0; bit < canonical.length * 8; bit++) {
            byte[] tampered = canonical.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            try {
                Receipt r = Receipt.parse(tampered);
                Verdict v = VERIFIER.verify(r, seal.signature(), Optional.empty());
                if (v.valid() || (v.reason() != Reason.SIGNATURE_INVALID && v.reason() != Reason.UNKNOWN_SUITE)) {
                    accepted.add("bit " + bit + ": " + v);
                }
            } catch (SealerException e) {
                if (e.reason() != Reason.MALFORMED_BUNDLE) {
                    accepted.add("bit " + bit + ": " + e.reason());
                }
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void verify_everySingleBitFlipOfEitherSignature_isSignatureInvalid() {
        SealBundle seal = AUTHORITY.seal("model", TestAuthority.T0.plus(Duration.ofDays(3)));
        byte[] ed = seal.signature().ed25519();
        byte[] pq = seal.signature().mlDsa();
        List<String> accepted = new ArrayList<>();
        for (int bit = 0; bit < ed.length * 8; bit++) {
            byte[] t = ed.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            Verdict v = VERIFIER.verify(seal.receipt(), new DualSignature(t, pq), Optional.empty());
            if (v.valid() || v.reason() != Reason.SIGNATURE_INVALID) {
                accepted.add("ed25519 bit " + bit);
            }
        }
        for (int bit = 0; bit < pq.length * 8; bit += 7) { // every 7th bit: 3,782 of 26,472, touching every byte
            byte[] t = pq.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            Verdict v = VERIFIER.verify(seal.receipt(), new DualSignature(ed, t), Optional.empty());
            if (v.valid() || v.reason() != Reason.SIGNATURE_INVALID) {
                accepted.add("ml-dsa bit " + bit);
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void verify_withEitherSignatureStripped_isSignatureInvalid() {
        SealBundle seal = AUTHORITY.seal("eval", TestAuthority.T0.plus(Duration.ofDays(4)));
        assertEquals(Reason.SIGNATURE_INVALID, VERIFIER.verify(seal.receipt(), new DualSignature(null, seal.signature().mlDsa()), Optional.empty()).reason());
        assertEquals(Reason.SIGNATURE_INVALID, VERIFIER.verify(seal.receipt(), new DualSignature(seal.signature().ed25519(), null), Optional.empty()).reason());
        String json = seal.toJson().replaceAll(",?\"ml-dsa\":\"[^\"]+\"", "");
        assertEquals(Reason.SIGNATURE_INVALID, VERIFIER.verify(SealBundle.parse(json), Optional.empty()).reason());
    }

    @Test
    void verify_withTamperedSuiteCertificate_isSignatureInvalid() {
        SealBundle seal = AUTHORITY.seal("deploy", TestAuthority.T0.plus(Duration.ofDays(5)));
        SuiteCertificate c = AUTHORITY.certificate;
        List<String> accepted = new ArrayList<>();
        List<SuiteCertificate> tampered = new ArrayList<>();
        tampered.add(new SuiteCertificate(c.suiteId(), c.pqAlgorithm(), c.ed25519PublicKey(), c.pqPublicKey(), c.signFrom().minusSeconds(1),
                c.signUntil(), c.verifyUntil(), c.issuedAt(), c.rootEcdsaSignature(), c.rootMlDsaSignature()));
        for (int bit = 0; bit < c.rootEcdsaSignature().length * 8; bit += 3) {
            byte[] s = c.rootEcdsaSignature();
            s[bit / 8] ^= (byte) (1 << (bit % 8));
            tampered.add(new SuiteCertificate(c.suiteId(), c.pqAlgorithm(), c.ed25519PublicKey(), c.pqPublicKey(), c.signFrom(), c.signUntil(),
                    c.verifyUntil(), c.issuedAt(), s, c.rootMlDsaSignature()));
        }
        for (int bit = 0; bit < c.rootMlDsaSignature().length * 8; bit += 97) {
            byte[] s = c.rootMlDsaSignature();
            s[bit / 8] ^= (byte) (1 << (bit % 8));
            tampered.add(new SuiteCertificate(c.suiteId(), c.pqAlgorithm(), c.ed25519PublicKey(), c.pqPublicKey(), c.signFrom(), c.signUntil(),
                    c.verifyUntil(), c.issuedAt(), c.rootEcdsaSignature(), s));
        }
        for (int i = 0; i < tampered.size(); i++) {
            TrustBundle bad = new TrustBundle("t", AUTHORITY.trust.root(), List.of(tampered.get(i)), TestAuthority.T0);
            Verdict v = new SealVerifier(bad).verify(seal, Optional.empty());
            if (v.valid() || v.reason() != Reason.SIGNATURE_INVALID) {
                accepted.add("variant " + i + ": " + v);
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void verify_sealFromAnotherAuthority_isRejected() {
        TestAuthority other = new TestAuthority("suite-test-1");
        SealBundle foreign = other.seal("weights", TestAuthority.T0.plus(Duration.ofDays(1)));
        assertEquals(Reason.SIGNATURE_INVALID, VERIFIER.verify(foreign, Optional.empty()).reason());
        TrustBundle mixed = new TrustBundle("t", AUTHORITY.trust.root(), List.of(other.certificate), TestAuthority.T0);
        assertEquals(Reason.SIGNATURE_INVALID, new SealVerifier(mixed).verify(foreign, Optional.empty()).reason(), "foreign suite certificate");
    }

    @Test
    void verify_receiptCommittedOutsideTheSigningWindow_isOutsideValidity() {
        SealBundle before = AUTHORITY.seal("early", TestAuthority.T0.minusSeconds(1));
        SealBundle after = AUTHORITY.seal("late", TestAuthority.T0.plus(Duration.ofDays(366)));
        assertEquals(Reason.OUTSIDE_VALIDITY, VERIFIER.verify(before, Optional.empty()).reason());
        assertEquals(Reason.OUTSIDE_VALIDITY, VERIFIER.verify(after, Optional.empty()).reason());
    }

    @Test
    void verify_unknownSuite_isUnknownSuite() {
        TestAuthority other = new TestAuthority("suite-other-2");
        assertEquals(Reason.UNKNOWN_SUITE, VERIFIER.verify(other.seal("x", TestAuthority.T0.plus(Duration.ofDays(1))), Optional.empty()).reason());
    }

    @Test
    void trustBundle_jsonRoundTrip_keepsEveryKeyAndCertificate() {
        TrustBundle parsed = TrustBundle.parse(AUTHORITY.trust.toJson());
        assertEquals(AUTHORITY.trust.toJson(), parsed.toJson());
        assertTrue(new SealVerifier(parsed).verify(AUTHORITY.seal("rt", TestAuthority.T0.plus(Duration.ofDays(1))), Optional.empty()).valid());
    }

    @Test
    void verify_suiteNamedStatusList_stillChecksTheStatusListSignature() {
        // "status-list" is a legal suite id: its certificate check must not stand in for the status list's
        TestAuthority authority = new TestAuthority("status-list");
        TestAuthority other = new TestAuthority("other");
        dev.sealer.core.suite.SuiteStatusList forged = dev.sealer.core.suite.SuiteStatusList.sign(TestAuthority.T0,
                List.of(new dev.sealer.core.suite.SuiteStatusList.Entry("status-list", dev.sealer.core.suite.SuiteStatus.ACTIVE, null, null, null, null)),
                other);
        SealVerifier verifier = new SealVerifier(new TrustBundle("test-authority", authority.publicKeys(), List.of(authority.certificate),
                TestAuthority.T0, forged));
        Verdict v = verifier.verify(authority.seal("x", TestAuthority.T0.plus(Duration.ofDays(1))), Optional.empty());
        assertEquals(Reason.SIGNATURE_INVALID, v.reason(), v.detail());
        assertTrue(v.detail().contains("status list"), v.detail());
    }
}
