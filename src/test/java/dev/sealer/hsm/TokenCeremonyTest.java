package dev.sealer.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.dev.DevToken;
import dev.sealer.testing.TestHsm;
import org.junit.jupiter.api.Test;

/**
 * The ceremony's attribute checks against real SoftHSM2 tokens: the good token's keys pass, a
 * secret created extractable is refused, and a label that exists is never created again. (Never
 * closed here: a logout would end the login other tests of this JVM share.)
 */
class TokenCeremonyTest {

    @Test
    void inspect_rootAndAttestationKeysOfTheCeremonyToken_haveEveryRequiredAttribute() {
        TestHsm tokens = TestHsm.get();
        TokenCeremony t = TokenCeremony.login(DevToken.SOFTHSM_LIBRARY, TestHsm.GOOD, tokens.pin(TestHsm.GOOD));
        TokenCeremony.KeyReport root = t.inspectSecret("sealer-root");
        assertEquals(false, root.attributes().get("CKA_EXTRACTABLE"));
        assertEquals(true, root.attributes().get("CKA_NEVER_EXTRACTABLE"));
        assertEquals(false, root.attributes().get("CKA_VALUE readable"));
        assertEquals(32L, root.attributes().get("CKA_VALUE_LEN"));
        TokenCeremony.KeyReport attest = t.inspectPrivateKey("sealer-attest-ec");
        assertEquals("CKK_EC", attest.attributes().get("CKA_KEY_TYPE"));
        assertEquals("EC", attest.publicKey().getAlgorithm());
        HsmException again = assertThrows(HsmException.class, () -> t.generateSecret("sealer-root", "01"));
        assertTrue(again.getMessage().contains("already holds a key labelled 'sealer-root'"), again.getMessage());
    }

    @Test
    void inspect_anExtractableSecret_isRefusedNamingTheAttribute() {
        TestHsm tokens = TestHsm.get();
        TokenCeremony t = TokenCeremony.login(DevToken.SOFTHSM_LIBRARY, TestHsm.EXTRACTABLE, tokens.pin(TestHsm.EXTRACTABLE));
        HsmException e = assertThrows(HsmException.class, () -> t.inspectSecret(TestHsm.EXTRACTABLE_ROOT_LABEL));
        assertTrue(e.getMessage().contains("CKA_EXTRACTABLE=true (required false)"), e.getMessage());
    }
}
