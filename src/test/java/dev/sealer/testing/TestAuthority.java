package dev.sealer.testing;

import dev.sealer.core.crypto.DerivationInfo;
import dev.sealer.core.crypto.InMemoryPseudoRandomKey;
import dev.sealer.core.crypto.SecretBytes;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SigningKey;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.seal.Stage;
import dev.sealer.core.suite.RootKeys;
import dev.sealer.core.suite.RootSigner;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.SuiteKeys;
import dev.sealer.core.suite.TrustBundle;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A complete signing authority in memory, for pure-core tests: a random root PRK, an ECDSA
 * P-256 and an ML-DSA root attestation key, one certified suite.
 */
public final class TestAuthority implements RootSigner {
    public final InMemoryPseudoRandomKey root;
    private final KeyPair ecdsa;
    private final SigningKey mlDsa;
    public final SuiteKeys suite;
    public final SuiteCertificate certificate;
    public final TrustBundle trust;
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    public TestAuthority(String suiteId) {
        try {
            byte[] prk = new byte[32];
            new java.security.SecureRandom().nextBytes(prk);
            root = InMemoryPseudoRandomKey.of(SecretBytes.wrap(prk));
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            ecdsa = g.generateKeyPair();
            mlDsa = SigningKey.fromSeed(SignatureAlgorithm.ML_DSA_65,
                    DerivationInfo.deriveSeed(root, DerivationInfo.ROOT_ATTESTATION_LABEL, "root", SignatureAlgorithm.ML_DSA_65));
            suite = SuiteKeys.operational(root, suiteId, SignatureAlgorithm.ML_DSA_65);
            certificate = SuiteCertificate.issue(suiteId, suite.ed25519PublicKey(), SignatureAlgorithm.ML_DSA_65, suite.mlDsaPublicKey(),
                    T0, T0.plus(Duration.ofDays(365)), T0.plus(Duration.ofDays(395)), T0, this);
            trust = new TrustBundle("test-authority", publicKeys(), List.of(certificate), T0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] ecdsaP256(byte[] message) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(ecdsa.getPrivate());
            s.update(message);
            return s.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] mlDsa(byte[] message) {
        return mlDsa.sign(message);
    }

    @Override
    public RootKeys publicKeys() {
        return new RootKeys(ecdsa.getPublic(), SignatureAlgorithm.ML_DSA_65, mlDsa.publicKey());
    }

    public static Digest sha256(String content) {
        try {
            return new Digest(DigestAlgorithm.SHA_256, java.security.MessageDigest.getInstance("SHA-256").digest(content.getBytes()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Receipt receipt(String content, Instant at) {
        return new Receipt(UUID.randomUUID(), "req-" + UUID.randomUUID(), sha256(content), "models/" + content, Stage.TRAINING,
                new TreeMap<>(Map.of("team", "ml")), List.of(), suite.suiteId(), at, "CN=pipeline");
    }

    public SealBundle seal(String content, Instant at) {
        Receipt r = receipt(content, at);
        return new SealBundle(r, suite.sign(SignedMessage.receipt(r.canonicalBytes())));
    }
}
