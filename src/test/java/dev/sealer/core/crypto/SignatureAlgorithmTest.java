package dev.sealer.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SignatureAlgorithmTest {

    @Test
    void fromId_everyAlgorithm_roundTrips() {
        for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
            assertEquals(a, SignatureAlgorithm.fromId(a.id()));
        }
        assertEquals("ml-dsa-65", SignatureAlgorithm.ML_DSA_65.id());
    }

    @Test
    void fromId_unknownOrWrongCase_throwsIllegalArgument() {
        for (String bad : new String[] {"", "ED25519", "ml-dsa", "ml_dsa_65", "ed448", "ml-dsa-65 "}) {
            assertThrows(IllegalArgumentException.class, () -> SignatureAlgorithm.fromId(bad), bad);
        }
    }

    @Test
    void sizes_matchFips204AndRfc8032() {
        assertFalse(SignatureAlgorithm.ED25519.postQuantum());
        assertTrue(SignatureAlgorithm.ML_DSA_44.postQuantum());
        assertEquals(32, SignatureAlgorithm.ED25519.publicKeySize());
        assertEquals(64, SignatureAlgorithm.ED25519.signatureSize());
        assertEquals(1312, SignatureAlgorithm.ML_DSA_44.publicKeySize());
        assertEquals(2420, SignatureAlgorithm.ML_DSA_44.signatureSize());
        assertEquals(1952, SignatureAlgorithm.ML_DSA_65.publicKeySize());
        assertEquals(3309, SignatureAlgorithm.ML_DSA_65.signatureSize());
        assertEquals(2592, SignatureAlgorithm.ML_DSA_87.publicKeySize());
        assertEquals(4627, SignatureAlgorithm.ML_DSA_87.signatureSize());
    }
}
