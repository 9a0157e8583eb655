package dev.sealer.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PublicKeyCodecTest {

    private static byte[] publicKey(SignatureAlgorithm alg) {
        try (SecretBytes s = SecretBytes.wrap(new byte[32])) {
            return SigningKey.fromSeed(alg, s).publicKey();
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void derAndPem_roundTrip_returnRawKey(SignatureAlgorithm alg) {
        byte[] raw = publicKey(alg);
        byte[] der = PublicKeyCodec.toDer(alg, raw);
        assertArrayEquals(raw, PublicKeyCodec.fromDer(alg, der));
        String pem = PublicKeyCodec.toPem(alg, raw);
        assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n") && pem.endsWith("-----END PUBLIC KEY-----\n"));
        assertTrue(pem.lines().allMatch(l -> l.length() <= 64));
        assertArrayEquals(raw, PublicKeyCodec.fromPem(alg, pem));
        assertArrayEquals(raw, PublicKeyCodec.fromPem(alg, "\r\n" + pem.replace("\n", "\r\n") + "\n\n"));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void toDer_anyAlgorithm_isAcceptedByTheJdkAsX509(SignatureAlgorithm alg) throws Exception {
        byte[] der = PublicKeyCodec.toDer(alg, publicKey(alg));
        PublicKey k = KeyFactory.getInstance(alg == SignatureAlgorithm.ED25519 ? "Ed25519" : "ML-DSA")
                .generatePublic(new X509EncodedKeySpec(der));
        assertArrayEquals(der, k.getEncoded());
    }

    @Test
    void toDer_ed25519_matchesRfc8410Example() {
        // RFC 8410 §10.1
        byte[] raw = HexFormat.of().parseHex("19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1");
        assertEquals("302a300506032b657003210019bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1",
                HexFormat.of().formatHex(PublicKeyCodec.toDer(SignatureAlgorithm.ED25519, raw)));
        assertArrayEquals(raw, PublicKeyCodec.fromPem(SignatureAlgorithm.ED25519,
                "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"));
    }

    @Test
    void fromDer_wycheproofMlDsa65Der_decodesToRawKey() {
        Map<String, Object> group = TestJson.list(TestJson.vectors("mldsa_65_verify_test.json"), "testGroups").get(0);
        assertArrayEquals(TestJson.hex(group, "publicKey"),
                PublicKeyCodec.fromDer(SignatureAlgorithm.ML_DSA_65, TestJson.hex(group, "publicKeyDer")));
    }

    @Test
    void fromDer_otherAlgorithmsOid_throwsIllegalArgument() {
        for (SignatureAlgorithm encoded : SignatureAlgorithm.values()) {
            byte[] der = PublicKeyCodec.toDer(encoded, publicKey(encoded));
            for (SignatureAlgorithm expected : SignatureAlgorithm.values()) {
                if (expected != encoded) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> PublicKeyCodec.fromDer(expected, der), encoded + " as " + expected);
                    assertTrue(e.getMessage().contains("OID") || e.getMessage().contains("bytes"), e.getMessage());
                }
            }
        }
    }

    @Test
    void fromDer_sameLengthKeyUnderForeignOid_throwsIllegalArgument() {
        // X25519 (1.3.101.110) SPKI: same shape and length as Ed25519, different OID
        byte[] x25519 = HexFormat.of().parseHex("302a300506032b656e0321" + "00" + "11".repeat(32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeyCodec.fromDer(SignatureAlgorithm.ED25519, x25519));
        assertTrue(e.getMessage().contains("OID"));
        // ML-DSA-65 key bytes labelled with ML-DSA-44's OID but the 65 length
        byte[] der65 = PublicKeyCodec.toDer(SignatureAlgorithm.ML_DSA_65, publicKey(SignatureAlgorithm.ML_DSA_65));
        byte[] relabelled = der65.clone();
        int oidEnd = indexOf(relabelled, HexFormat.of().parseHex("608648016503040312")) + 8;
        relabelled[oidEnd] = 0x11;
        assertThrows(IllegalArgumentException.class, () -> PublicKeyCodec.fromDer(SignatureAlgorithm.ML_DSA_65, relabelled));
    }

    @Test
    void fromDer_malformed_throwsIllegalArgument() {
        byte[] good = PublicKeyCodec.toDer(SignatureAlgorithm.ED25519, publicKey(SignatureAlgorithm.ED25519));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        byte[] truncated = Arrays.copyOf(good, good.length - 1);
        byte[] withNullParams = HexFormat.of().parseHex("302c300706032b65700500032100" + "11".repeat(32));
        byte[] unusedBits = good.clone();
        unusedBits[11] = 1; // first content byte of the BIT STRING
        byte[] longLength = HexFormat.of().parseHex("30812a300506032b6570032100" + "11".repeat(32)); // non-minimal
        byte[] shortKey = HexFormat.of().parseHex("3029300506032b6570032000" + "11".repeat(31));
        for (byte[] bad : new byte[][] {new byte[0], trailing, truncated, withNullParams, unusedBits, longLength, shortKey}) {
            assertThrows(IllegalArgumentException.class, () -> PublicKeyCodec.fromDer(SignatureAlgorithm.ED25519, bad),
                    HexFormat.of().formatHex(bad));
        }
    }

    @Test
    void fromPem_malformed_throwsIllegalArgument() {
        String pem = PublicKeyCodec.toPem(SignatureAlgorithm.ED25519, publicKey(SignatureAlgorithm.ED25519));
        String[] bad = {
            pem.replace("PUBLIC KEY", "PRIVATE KEY"),
            pem.replace("MC", "M!"),
            pem + pem,
            "junk" + pem,
            pem.replace("-----END PUBLIC KEY-----", ""),
        };
        for (String b : bad) {
            assertThrows(IllegalArgumentException.class, () -> PublicKeyCodec.fromPem(SignatureAlgorithm.ED25519, b), b);
        }
    }

    @Test
    void toDer_wrongRawLength_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> PublicKeyCodec.toDer(SignatureAlgorithm.ED25519, new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> PublicKeyCodec.toDer(SignatureAlgorithm.ML_DSA_65, new byte[1312]));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
