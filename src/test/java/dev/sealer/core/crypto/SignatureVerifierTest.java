package dev.sealer.core.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignatureVerifierTest {

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void verify_malformedInputs_returnsFalseNeverThrows(SignatureAlgorithm alg) {
        SigningKey k;
        try (SecretBytes s = SecretBytes.wrap(new byte[32])) {
            k = SigningKey.fromSeed(alg, s);
        }
        byte[] pk = k.publicKey();
        byte[] msg = "m".getBytes();
        byte[] sig = k.sign(msg);
        assertTrue(SignatureVerifier.verify(alg, pk, msg, sig));

        assertFalse(SignatureVerifier.verify(null, pk, msg, sig));
        assertFalse(SignatureVerifier.verify(alg, null, msg, sig));
        assertFalse(SignatureVerifier.verify(alg, pk, null, sig));
        assertFalse(SignatureVerifier.verify(alg, pk, msg, null));
        assertFalse(SignatureVerifier.verify(alg, new byte[0], msg, sig));
        assertFalse(SignatureVerifier.verify(alg, pk, msg, new byte[0]));
        assertFalse(SignatureVerifier.verify(alg, Arrays.copyOf(pk, pk.length + 1), msg, sig));
        assertFalse(SignatureVerifier.verify(alg, pk, msg, Arrays.copyOf(sig, sig.length - 1)));
        assertFalse(SignatureVerifier.verify(alg, pk, msg, Arrays.copyOf(sig, sig.length + 1)));
        assertFalse(SignatureVerifier.verify(alg, new byte[pk.length], msg, sig));
        byte[] ffPk = new byte[pk.length];
        Arrays.fill(ffPk, (byte) 0xff);
        assertFalse(SignatureVerifier.verify(alg, ffPk, msg, sig));
        byte[] ffSig = new byte[sig.length];
        Arrays.fill(ffSig, (byte) 0xff);
        assertFalse(SignatureVerifier.verify(alg, pk, msg, ffSig));

        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 50; i++) {
            byte[] flipped = sig.clone();
            int bit = rnd.nextInt(flipped.length * 8);
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(SignatureVerifier.verify(alg, pk, msg, flipped), "bit " + bit);
            byte[] randomSig = new byte[sig.length];
            for (int j = 0; j < randomSig.length; j++) {
                randomSig[j] = (byte) rnd.nextInt(256);
            }
            assertFalse(SignatureVerifier.verify(alg, pk, msg, randomSig));
        }
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"ML_DSA_44", "ML_DSA_65", "ML_DSA_87"})
    void verify_signatureOfOtherParameterSet_returnsFalse(SignatureAlgorithm alg) {
        for (SignatureAlgorithm other : new SignatureAlgorithm[] {SignatureAlgorithm.ML_DSA_44, SignatureAlgorithm.ML_DSA_65,
                SignatureAlgorithm.ML_DSA_87}) {
            if (other == alg) {
                continue;
            }
            try (SecretBytes s = SecretBytes.wrap(new byte[32])) {
                SigningKey k = SigningKey.fromSeed(other, s);
                assertFalse(SignatureVerifier.verify(alg, k.publicKey(), "m".getBytes(), k.sign("m".getBytes())));
            }
        }
    }
}
