package dev.sealer.core.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.testing.TestAuthority;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SuiteKeysTest {
    static final TestAuthority AUTHORITY = new TestAuthority("suite-keys-1");

    @Test
    void derive_twiceFromTheSameRootAndSuite_givesIdenticalKeys() {
        try (SuiteKeys a = SuiteKeys.operational(AUTHORITY.root, "suite-a", SignatureAlgorithm.ML_DSA_65);
                SuiteKeys b = SuiteKeys.operational(AUTHORITY.root, "suite-a", SignatureAlgorithm.ML_DSA_65)) {
            assertArrayEquals(a.ed25519PublicKey(), b.ed25519PublicKey());
            assertArrayEquals(a.mlDsaPublicKey(), b.mlDsaPublicKey());
        }
    }

    @Test
    void derive_forAnotherSuiteOrAlgorithm_givesUnrelatedKeys() {
        try (SuiteKeys a = SuiteKeys.operational(AUTHORITY.root, "suite-a", SignatureAlgorithm.ML_DSA_65);
                SuiteKeys b = SuiteKeys.operational(AUTHORITY.root, "suite-b", SignatureAlgorithm.ML_DSA_65);
                SuiteKeys c = SuiteKeys.operational(AUTHORITY.root, "suite-a", SignatureAlgorithm.ML_DSA_44)) {
            assertFalse(Arrays.equals(a.ed25519PublicKey(), b.ed25519PublicKey()));
            assertFalse(Arrays.equals(a.mlDsaPublicKey(), b.mlDsaPublicKey()));
            assertFalse(Arrays.equals(Arrays.copyOf(a.mlDsaPublicKey(), 64), Arrays.copyOf(c.mlDsaPublicKey(), 64)));
        }
    }

    @Test
    void sign_afterWipe_throwsAndToStringIsRedacted() {
        SuiteKeys k = SuiteKeys.operational(AUTHORITY.root, "suite-w", SignatureAlgorithm.ML_DSA_65);
        assertTrue(k.toString().contains("redacted"));
        k.wipe();
        assertThrows(IllegalStateException.class, () -> k.sign(new byte[] {1}));
    }
}
