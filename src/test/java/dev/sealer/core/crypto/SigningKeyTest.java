package dev.sealer.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

    private static final byte[] SEED = HexFormat.of().parseHex("0f0e0d0c0b0a09080706050403020100f0e1d2c3b4a5968778695a4b3c2d1e0f");
    private static final byte[] MESSAGE = "sealer/v1/receipt{\"seal_id\":\"x\"}".getBytes();

    private static SigningKey key(SignatureAlgorithm alg) {
        try (SecretBytes s = SecretBytes.copyOf(SEED)) {
            return SigningKey.fromSeed(alg, s);
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void sign_anyAlgorithm_signatureVerifiesAndHasDeclaredSizes(SignatureAlgorithm alg) {
        SigningKey k = key(alg);
        byte[] sig = k.sign(MESSAGE);
        assertEquals(alg.signatureSize(), sig.length);
        assertEquals(alg.publicKeySize(), k.publicKey().length);
        assertTrue(SignatureVerifier.verify(alg, k.publicKey(), MESSAGE, sig));
        byte[] tampered = MESSAGE.clone();
        tampered[0] ^= 1;
        assertFalse(SignatureVerifier.verify(alg, k.publicKey(), tampered, sig));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void sign_afterWipe_throwsIllegalState(SignatureAlgorithm alg) {
        SigningKey k = key(alg);
        k.sign(MESSAGE);
        k.wipe();
        assertTrue(k.isWiped());
        assertThrows(IllegalStateException.class, () -> k.sign(MESSAGE));
        assertThrows(IllegalStateException.class, () -> k.signDeterministic(MESSAGE));
        k.wipe(); // idempotent
        assertEquals(alg.publicKeySize(), k.publicKey().length, "the public key stays available");
    }

    @Test
    void sign_mlDsaDefault_isHedgedAndDeterministicVariantIsStable() {
        SigningKey k = key(SignatureAlgorithm.ML_DSA_65);
        byte[] a = k.sign(MESSAGE);
        byte[] b = k.sign(MESSAGE);
        assertFalse(Arrays.equals(a, b), "hedged signing must not repeat");
        assertArrayEquals(k.signDeterministic(MESSAGE), k.signDeterministic(MESSAGE));
        assertFalse(Arrays.equals(a, k.signDeterministic(MESSAGE)));
    }

    @Test
    void sign_ed25519_isDeterministic() {
        SigningKey k = key(SignatureAlgorithm.ED25519);
        assertArrayEquals(k.sign(MESSAGE), k.sign(MESSAGE));
    }

    @Test
    void fromSeed_wrongSeedLength_throwsIllegalArgument() {
        for (int len : new int[] {0, 16, 31, 33, 64}) {
            try (SecretBytes s = SecretBytes.wrap(new byte[len])) {
                for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
                    assertThrows(IllegalArgumentException.class, () -> SigningKey.fromSeed(alg, s));
                }
            }
        }
    }

    @Test
    void fromSeed_wipedSeed_throwsIllegalState() {
        SecretBytes s = SecretBytes.copyOf(SEED);
        s.wipe();
        assertThrows(IllegalStateException.class, () -> SigningKey.fromSeed(SignatureAlgorithm.ED25519, s));
    }

    @Test
    void fromSeed_callerClosesSeed_keyStillSigns() {
        SecretBytes s = SecretBytes.copyOf(SEED);
        SigningKey k = SigningKey.fromSeed(SignatureAlgorithm.ML_DSA_44, s);
        s.close();
        assertTrue(SignatureVerifier.verify(SignatureAlgorithm.ML_DSA_44, k.publicKey(), MESSAGE, k.sign(MESSAGE)));
    }

    @Test
    void toString_anyKey_redacted() {
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            String s = key(alg).toString();
            assertTrue(s.contains("redacted") && s.contains(alg.id()), s);
            assertFalse(s.toLowerCase().contains(HexFormat.of().formatHex(SEED).substring(0, 8)));
        }
    }

    @Test
    void publicKey_ed25519_matchesBouncyCastleAndInteroperates() {
        SigningKey k = key(SignatureAlgorithm.ED25519);
        Ed25519PrivateKeyParameters bc = new Ed25519PrivateKeyParameters(SEED, 0);
        assertArrayEquals(bc.generatePublicKey().getEncoded(), k.publicKey());
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, bc.generatePublicKey());
        v.update(MESSAGE, 0, MESSAGE.length);
        assertTrue(v.verifySignature(k.sign(MESSAGE)));
    }

    @Test
    void sign_mlDsa65JdkSigner_verifiesWithBouncyCastleAndViceVersa() throws Exception {
        SigningKey k = key(SignatureAlgorithm.ML_DSA_65);
        MLDSAPrivateKeyParameters bcPriv = new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, SEED);
        MLDSAPublicKeyParameters bcPub = bcPriv.getPublicKeyParameters();
        assertArrayEquals(bcPub.getEncoded(), k.publicKey());
        MLDSASigner v = new MLDSASigner();
        v.init(false, bcPub);
        v.update(MESSAGE, 0, MESSAGE.length);
        assertTrue(v.verifySignature(k.sign(MESSAGE)), "BC verifies the JDK signature");
        MLDSASigner s = new MLDSASigner();
        s.init(true, bcPriv);
        s.update(MESSAGE, 0, MESSAGE.length);
        assertTrue(SignatureVerifier.verify(SignatureAlgorithm.ML_DSA_65, k.publicKey(), MESSAGE, s.generateSignature()),
                "our verifier accepts the BC signature");
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"ED25519", "ML_DSA_65"})
    void sign_manyThreadsConcurrently_everySignatureVerifies(SignatureAlgorithm alg) throws Exception {
        SigningKey k = key(alg);
        byte[] pk = k.publicKey();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<String> bad = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        byte[] m = (thread + ":" + i).getBytes();
                        if (!SignatureVerifier.verify(alg, pk, m, k.sign(m))) {
                            bad.add(thread + ":" + i);
                        }
                    }
                    return bad;
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                failures.addAll(f.get());
            }
            assertTrue(failures.isEmpty(), "bad signatures: " + failures);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wipe_whileOtherThreadsSign_theyEitherSucceedOrThrowIllegalState() throws Exception {
        SigningKey k = key(SignatureAlgorithm.ML_DSA_44);
        byte[] pk = k.publicKey();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        byte[] sig;
                        try {
                            sig = k.sign(MESSAGE);
                        } catch (IllegalStateException wiped) {
                            return "ok";
                        }
                        if (!SignatureVerifier.verify(SignatureAlgorithm.ML_DSA_44, pk, MESSAGE, sig)) {
                            return "invalid signature";
                        }
                    }
                    return "ok";
                }));
            }
            Thread.sleep(20);
            k.wipe();
            for (Future<String> f : futures) {
                assertEquals("ok", f.get());
            }
            assertThrows(IllegalStateException.class, () -> k.sign(MESSAGE));
        } finally {
            pool.shutdownNow();
        }
    }
}
