package dev.sealer.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealer.core.crypto.DerivationInfo;
import dev.sealer.core.crypto.SecretBytes;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.dev.DevToken;
import dev.sealer.testing.TestHsm;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2 conformance: for a root with known bytes imported into SoftHSM2, the seed derived
 * through the HSM (HMAC-SHA256 inside the token) equals the JDK's {@code KDF} HKDF-SHA256
 * expand-only output byte for byte, for every algorithm and many suite ids.
 */
class HsmDerivationConformanceTest {

    @Test
    void seedDerivedInsideTheHsm_equalsJdkHkdfExpandOnly_byteForByte() throws Exception {
        TestHsm tokens = TestHsm.get();
        HsmConfig config = new HsmConfig(DevToken.SOFTHSM_LIBRARY, TestHsm.GOOD, tokens.pin(TestHsm.GOOD), TestHsm.IMPORTED_ROOT_LABEL,
                "sealer-attest-ec");
        Pkcs11Hsm hsm = Pkcs11Hsm.open(config);
        KDF jdk = KDF.getInstance("HKDF-SHA256");
        SecretKeySpec prk = new SecretKeySpec(tokens.importedRoot(), "HKDF-PRK");
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            for (String label : List.of(DerivationInfo.OPERATIONAL_KEY_LABEL, DerivationInfo.ROOT_ATTESTATION_LABEL)) {
                for (int i = 0; i < 10; i++) {
                    String suite = "suite-2026" + i + "-" + Integer.toHexString(i * 7919);
                    byte[] info = DerivationInfo.encode(label, suite, alg);
                    byte[] expected = jdk.deriveData(HKDFParameterSpec.expandOnly(prk, info, 32));
                    try (SecretBytes seed = DerivationInfo.deriveSeed(hsm.rootKey(), label, suite, alg)) {
                        byte[] actual = seed.reveal();
                        if (!java.util.Arrays.equals(expected, actual)) {
                            mismatches.add(label + "/" + suite + "/" + alg.id() + ": " + HexFormat.of().formatHex(actual));
                        }
                    }
                    checked++;
                }
            }
        }
        assertEquals(List.of(), mismatches);
        assertEquals(80, checked);
    }
}
