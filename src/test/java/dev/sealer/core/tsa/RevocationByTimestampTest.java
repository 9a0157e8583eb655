package dev.sealer.core.tsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.error.Reason;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.log.Checkpoint;
import dev.sealer.core.log.CheckpointKeys;
import dev.sealer.core.log.SignedNote;
import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteStatus;
import dev.sealer.core.suite.SuiteStatusList;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.time.Rfc3339;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import dev.sealer.testing.TestAuthority;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.junit.jupiter.api.Test;

/**
 * The revocation rule uses the checkpoint's time-stamp token: a seal of a revoked suite is valid
 * only when its checkpoint's token time is before compromised_since, whatever the checkpoint's own
 * time line says. Pure core: an in-memory root, suite and TSA (the HSM path is CheckpointTimestampTest's).
 */
class RevocationByTimestampTest {
    static final TestAuthority AUTHORITY = new TestAuthority("suite-ts-1");
    static final Instant COMPROMISED = TestAuthority.T0.plus(Duration.ofDays(10));
    static final Instant COMMITTED = COMPROMISED.minus(Duration.ofHours(2));

    /** A TSA whose certificate the test root issued (as the ceremony does with the HSM's attestation key). */
    static TimestampAuthority tsa(Instant now) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair tsaKey = g.generateKeyPair();
        var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=test root"), BigInteger.ONE, Date.from(TestAuthority.T0),
                Date.from(TestAuthority.T0.plus(Duration.ofDays(3650))), new X500Name("CN=test TSA"), tsaKey.getPublic());
        builder.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        ContentSigner rootSigner = new ContentSigner() {
            final ByteArrayOutputStream buf = new ByteArrayOutputStream();

            @Override
            public org.bouncycastle.asn1.x509.AlgorithmIdentifier getAlgorithmIdentifier() {
                return TimestampAuthority.ECDSA_SHA256;
            }

            @Override
            public OutputStream getOutputStream() {
                return buf;
            }

            @Override
            public byte[] getSignature() {
                return AUTHORITY.ecdsaP256(buf.toByteArray()); // the root attestation key signs the TSA certificate
            }
        };
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(rootSigner));
        AtomicLong serial = new AtomicLong();
        return new TimestampAuthority(List.of(cert), m -> {
            try {
                Signature s = Signature.getInstance("SHA256withECDSA");
                s.initSign(tsaKey.getPrivate());
                s.update(m);
                return s.sign();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, () -> BigInteger.valueOf(serial.incrementAndGet()), Clock.fixed(now, ZoneOffset.UTC), new TsaPolicy(TsaPolicy.DEFAULT_POLICY_OID, Duration.ofSeconds(1), false));
    }

    record Case(SealBundle bundle, TrustBundle withTsa, TrustBundle withoutTsa) {
    }

    /** An anchored seal committed two hours before the compromise, in a checkpoint whose time line says {@code checkpointLine}, stamped at {@code tokenTime}. */
    static Case anchored(Instant checkpointLine, Instant tokenTime, boolean stamped) throws Exception {
        Receipt r = AUTHORITY.receipt("weights", COMMITTED);
        byte[] leaf = Rfc6962.leafHash(r.canonicalBytes());
        Checkpoint body = new Checkpoint("test-authority/log", 1, leaf, List.of(SealVerifier.CHECKPOINT_TIME_PREFIX + Rfc3339.format(checkpointLine)));
        String note = SignedNote.sign(body.body(), CheckpointKeys.signers(AUTHORITY.suite));
        TimestampAuthority tsa = tsa(tokenTime);
        byte[] token = stamped ? tsa.token(CheckpointStamp.IMPRINT_ALGORITHM, CheckpointStamp.imprint(note), BigInteger.TEN, true) : null;
        SealBundle bundle = new SealBundle(r, new DualSignature(null, null), new Anchor(0, 1, List.of(), note, AUTHORITY.suite.suiteId(), token));
        SuiteStatusList revoked = SuiteStatusList.sign(COMPROMISED.plus(Duration.ofDays(1)), List.of(new SuiteStatusList.Entry(AUTHORITY.suite.suiteId(),
                SuiteStatus.REVOKED, COMPROMISED.plus(Duration.ofDays(1)), COMPROMISED, COMPROMISED.plus(Duration.ofDays(1)), "key compromise")), AUTHORITY);
        TimestampTrust trust = new TimestampTrust("test-tsa", true, List.of(), List.of(tsa.certificate()));
        TrustBundle with = new TrustBundle("test-authority", AUTHORITY.publicKeys(), List.of(AUTHORITY.certificate), TestAuthority.T0, revoked, List.of(), List.of(trust));
        TrustBundle without = new TrustBundle("test-authority", AUTHORITY.publicKeys(), List.of(AUTHORITY.certificate), TestAuthority.T0, revoked);
        return new Case(bundle, with, without);
    }

    @Test
    void tokenTimeBeforeCompromise_isValid() throws Exception {
        Case c = anchored(COMPROMISED.minus(Duration.ofHours(1)), COMPROMISED.minus(Duration.ofMinutes(30)), true);
        Verdict v = new SealVerifier(c.withTsa()).verify(c.bundle(), Optional.empty());
        assertTrue(v.valid(), v.detail());
        assertTrue(v.detail().contains("time-stamped"), v.detail());
    }

    @Test
    void tokenTimeAfterCompromise_isRevoked_evenWhenTheCheckpointsOwnTimeLineSaysBefore() throws Exception {
        Case c = anchored(COMPROMISED.minus(Duration.ofHours(1)), COMPROMISED.plus(Duration.ofHours(1)), true);
        Verdict v = new SealVerifier(c.withTsa()).verify(c.bundle(), Optional.empty());
        assertEquals(Reason.SUITE_REVOKED, v.reason(), v.detail());
        assertTrue(v.detail().contains("time-stamped before"), v.detail());
        // a bundle that names no TSA still reads the checkpoint's own time line (the rule before trusted time)
        assertTrue(new SealVerifier(c.withoutTsa()).verify(c.bundle(), Optional.empty()).valid());
    }

    @Test
    void untimestampedCheckpoint_provesNoTime_underABundleWithTsas() throws Exception {
        Case c = anchored(COMPROMISED.minus(Duration.ofHours(1)), COMPROMISED.minus(Duration.ofMinutes(30)), false);
        Verdict v = new SealVerifier(c.withTsa()).verify(c.bundle(), Optional.empty());
        assertEquals(Reason.SUITE_REVOKED, v.reason(), v.detail());
    }

    @Test
    void tokenFromAnUntrustedTsa_isTimestampInvalid() throws Exception {
        Case c = anchored(COMPROMISED.minus(Duration.ofHours(1)), COMPROMISED.minus(Duration.ofMinutes(30)), true);
        Case other = anchored(COMPROMISED.minus(Duration.ofHours(1)), COMPROMISED.minus(Duration.ofMinutes(30)), true); // another TSA key
        TrustBundle wrongTsa = new TrustBundle("test-authority", AUTHORITY.publicKeys(), List.of(AUTHORITY.certificate), TestAuthority.T0,
                c.withTsa().statusList(), List.of(), List.of(new TimestampTrust("other", false, other.withTsa().timestampAuthorities().getFirst().certificates(), List.of())));
        Verdict v = new SealVerifier(wrongTsa).verify(c.bundle(), Optional.empty());
        assertEquals(Reason.TIMESTAMP_INVALID, v.reason(), v.detail());
    }
}
