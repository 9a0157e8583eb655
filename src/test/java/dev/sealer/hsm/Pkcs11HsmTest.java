package dev.sealer.hsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.dev.DevToken;
import dev.sealer.testing.TestHsm;
import java.security.Key;
import java.security.KeyStore;
import java.security.Signature;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HSM adapter against a real SoftHSM2 token made by the real ceremony script. */
class Pkcs11HsmTest {
    static TestHsm tokens;
    static Pkcs11Hsm hsm;

    @BeforeAll
    static void open() {
        tokens = TestHsm.get();
        hsm = Pkcs11Hsm.open(tokens.config(TestHsm.GOOD));
    }

    @Test
    void rootSecret_fromCeremony_isSensitiveNonExtractableAndItsValueCannotBeRead() {
        Pkcs11Wrapper wrapper = Pkcs11Wrapper.load(DevToken.SOFTHSM_LIBRARY);
        long slot = wrapper.slotsWithTokenLabel(TestHsm.GOOD).getFirst();
        List<Pkcs11Wrapper.SecretKeyAttributes> keys = wrapper.secretKeysWithLabel(slot, "sealer-root");
        assertEquals(1, keys.size());
        Pkcs11Wrapper.SecretKeyAttributes root = keys.getFirst();
        assertFalse(root.extractable(), "CKA_EXTRACTABLE must be false");
        assertTrue(root.sensitive(), "CKA_SENSITIVE must be true");
        assertTrue(root.isPrivate(), "CKA_PRIVATE must be true: no use without login");
        assertFalse(root.valueReadable(), "C_GetAttributeValue(CKA_VALUE) must be refused");
        assertEquals(32, root.valueLength());
        assertEquals(Pkcs11Wrapper.CKK_GENERIC_SECRET, root.keyType());
    }

    @Test
    void rootSecret_throughSunPkcs11_hasNoEncodingToExport() throws Exception {
        var provider = java.security.Security.getProvider("SunPKCS11").configure("--name=ExtractTest\nlibrary="
                + DevToken.SOFTHSM_LIBRARY + "\nslot=" + Pkcs11Wrapper.load(DevToken.SOFTHSM_LIBRARY).slotsWithTokenLabel(TestHsm.GOOD).getFirst() + "\n");
        KeyStore ks = KeyStore.getInstance("PKCS11", provider);
        ks.load(null, tokens.pin(TestHsm.GOOD));
        Key root = ks.getKey("sealer-root", null);
        assertNull(root.getEncoded(), "a sensitive, non-extractable key has no encoding");
        assertThrows(Exception.class, () -> javax.crypto.SecretKeyFactory.getInstance("Generic Secret", provider)
                .getKeySpec((javax.crypto.SecretKey) root, javax.crypto.spec.SecretKeySpec.class));
    }

    @Test
    void rootKey_hmacIsComputedInsideTheTokenAndIsDeterministic() {
        byte[] a = hsm.rootKey().hmacSha256("info".getBytes());
        byte[] b = hsm.rootKey().hmacSha256("info".getBytes());
        assertEquals(32, a.length);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, hsm.rootKey().hmacSha256("other".getBytes())));
    }

    @Test
    void attestationKey_signsEcdsaP256VerifiableWithItsCertificateKey() throws Exception {
        byte[] message = "suite certificate".getBytes();
        byte[] sig = hsm.signAttestation(message);
        Signature verifier = Signature.getInstance(Pkcs11Hsm.ATTESTATION_SIGNATURE);
        verifier.initVerify(hsm.attestationPublicKey());
        verifier.update(message);
        assertTrue(verifier.verify(sig));
        assertEquals("EC", hsm.attestationPublicKey().getAlgorithm());
    }

    @Test
    void open_withWrongPin_refusesNamingTheIncorrectPin() {
        HsmConfig wrong = new HsmConfig(DevToken.SOFTHSM_LIBRARY, TestHsm.NO_ROOT, "00000000".toCharArray(), "sealer-root", "sealer-attest-ec");
        HsmException e = assertThrows(HsmException.class, () -> Pkcs11Hsm.open(wrong));
        assertEquals(HsmException.Kind.CONFIGURATION, e.kind());
        assertTrue(e.getMessage().contains("PIN incorrect"), e.getMessage());
    }

    @Test
    void open_withRootSecretMissing_refusesNamingTheMissingKey() {
        HsmException e = assertThrows(HsmException.class, () -> Pkcs11Hsm.open(tokens.config(TestHsm.NO_ROOT)));
        assertTrue(e.getMessage().contains("root derivation secret 'sealer-root' not found in token 'sealer-noroot'"), e.getMessage());
    }

    @Test
    void open_withExtractableRootSecret_refusesToStart() {
        HsmConfig extractable = new HsmConfig(DevToken.SOFTHSM_LIBRARY, TestHsm.EXTRACTABLE, tokens.pin(TestHsm.EXTRACTABLE),
                TestHsm.EXTRACTABLE_ROOT_LABEL, "sealer-attest-ec");
        HsmException e = assertThrows(HsmException.class, () -> Pkcs11Hsm.open(extractable));
        assertTrue(e.getMessage().contains("is extractable"), e.getMessage());
    }

    @Test
    void open_withUnknownToken_listsTheTokensPresent() {
        HsmConfig unknown = new HsmConfig(DevToken.SOFTHSM_LIBRARY, "no-such-token", "1234".toCharArray(), "sealer-root", "sealer-attest-ec");
        HsmException e = assertThrows(HsmException.class, () -> Pkcs11Hsm.open(unknown));
        assertTrue(e.getMessage().contains("HSM token 'no-such-token' not found"), e.getMessage());
        assertTrue(e.getMessage().contains(TestHsm.GOOD), e.getMessage());
    }

    @Test
    void config_withoutPin_refusesNamingWhereThePinComesFrom() {
        HsmException e = assertThrows(HsmException.class,
                () -> new HsmConfig(DevToken.SOFTHSM_LIBRARY, TestHsm.GOOD, new char[0], "sealer-root", "sealer-attest-ec"));
        assertTrue(e.getMessage().contains("SEALER_HSM_PIN"), e.getMessage());
    }

    @Test
    void config_toString_neverShowsThePin() {
        HsmConfig config = tokens.config(TestHsm.GOOD);
        assertFalse(config.toString().contains(new String(tokens.pin(TestHsm.GOOD))));
    }
}
