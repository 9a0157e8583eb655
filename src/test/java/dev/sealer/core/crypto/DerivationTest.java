package dev.sealer.core.crypto;

import static dev.sealer.core.crypto.DerivationInfo.OPERATIONAL_KEY_LABEL;
import static dev.sealer.core.crypto.DerivationInfo.ROOT_ATTESTATION_LABEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key hierarchy of DESIGN.md §2: canonical info, HKDF expand-only seeds, keys from seeds. */
class DerivationTest {

    private SecretBytes rootBytes;
    private InMemoryPseudoRandomKey root;

    @BeforeEach
    void setUp() {
        byte[] r = new byte[32];
        for (int i = 0; i < 32; i++) {
            r[i] = (byte) i;
        }
        rootBytes = SecretBytes.wrap(r);
        root = InMemoryPseudoRandomKey.of(rootBytes);
    }

    @AfterEach
    void tearDown() {
        root.close();
        rootBytes.close();
    }

    @Test
    void encode_opKeyExample_hasLengthPrefixedLayout() {
        byte[] info = DerivationInfo.encode(OPERATIONAL_KEY_LABEL, "s1", SignatureAlgorithm.ED25519);
        String expected = "0010" + HexFormat.of().formatHex("sealer/v1/op-key".getBytes())
                + "0002" + HexFormat.of().formatHex("s1".getBytes())
                + "0007" + HexFormat.of().formatHex("ed25519".getBytes());
        assertEquals(expected, HexFormat.of().formatHex(info));
    }

    @Test
    void encode_shiftedFieldBoundaries_differ() {
        byte[] a = DerivationInfo.encode("ab", "c", SignatureAlgorithm.ED25519);
        byte[] b = DerivationInfo.encode("a", "bc", SignatureAlgorithm.ED25519);
        assertFalse(Arrays.equals(a, b));
        // same concatenated text, different split, across label/suite
        byte[] c = DerivationInfo.encode("sealer/v1/op-key1", "2", SignatureAlgorithm.ML_DSA_65);
        byte[] d = DerivationInfo.encode("sealer/v1/op-key", "12", SignatureAlgorithm.ML_DSA_65);
        assertFalse(Arrays.equals(c, d));
    }

    @Test
    void encode_manyTriples_allDistinct() {
        String[] labels = {"a", "ab", "abc", OPERATIONAL_KEY_LABEL, ROOT_ATTESTATION_LABEL};
        String[] suites = {"a", "b", "ab", "abc", "a-b", "0", "suite-2026"};
        Set<String> seen = new HashSet<>();
        int n = 0;
        for (String l : labels) {
            for (String s : suites) {
                for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
                    n++;
                    seen.add(HexFormat.of().formatHex(DerivationInfo.encode(l, s, alg)));
                }
            }
        }
        assertEquals(n, seen.size());
    }

    @Test
    void encode_invalidFields_throwIllegalArgument() {
        List<Runnable> bad = new ArrayList<>();
        bad.add(() -> DerivationInfo.encode("", "s1", SignatureAlgorithm.ED25519));
        bad.add(() -> DerivationInfo.encode("x".repeat(256), "s1", SignatureAlgorithm.ED25519));
        bad.add(() -> DerivationInfo.encode("é".repeat(128), "s1", SignatureAlgorithm.ED25519)); // 256 UTF-8 bytes
        bad.add(() -> DerivationInfo.encode("bad\uD800", "s1", SignatureAlgorithm.ED25519)); // unpaired surrogate
        for (String suite : new String[] {"", "-a", "A", "a_b", "a b", "a".repeat(64), "é", "a/b"}) {
            bad.add(() -> DerivationInfo.encode(OPERATIONAL_KEY_LABEL, suite, SignatureAlgorithm.ED25519));
        }
        for (Runnable r : bad) {
            assertThrows(IllegalArgumentException.class, r::run);
        }
        DerivationInfo.encode("x".repeat(255), "a".repeat(63), SignatureAlgorithm.ML_DSA_87); // limits are inclusive
    }

    @Test
    void deriveSeed_sameInputsTwice_identicalSeedsAndKeys() {
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            try (SecretBytes s1 = DerivationInfo.deriveSeed(root, OPERATIONAL_KEY_LABEL, "suite-1", alg);
                    SecretBytes s2 = DerivationInfo.deriveSeed(root, OPERATIONAL_KEY_LABEL, "suite-1", alg)) {
                assertEquals(s1, s2);
                SigningKey k1 = SigningKey.fromSeed(alg, s1);
                SigningKey k2 = SigningKey.fromSeed(alg, s2);
                assertArrayEquals(k1.publicKey(), k2.publicKey(), alg.id());
                byte[] msg = "same root, same key".getBytes();
                assertTrue(SignatureVerifier.verify(alg, k2.publicKey(), msg, k1.sign(msg)));
            }
        }
    }

    @Test
    void deriveSeed_differentSuiteAlgorithmOrLabel_unrelatedSeedsAndKeys() {
        Set<String> seeds = new HashSet<>();
        Set<String> eds = new HashSet<>();
        int n = 0;
        for (String label : new String[] {OPERATIONAL_KEY_LABEL, ROOT_ATTESTATION_LABEL}) {
            for (String suite : new String[] {"suite-1", "suite-2", "suite-10"}) {
                for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
                    n++;
                    try (SecretBytes s = DerivationInfo.deriveSeed(root, label, suite, alg)) {
                        seeds.add(HexFormat.of().formatHex(s.reveal()));
                        // the same seed used as an Ed25519 seed: even keys of one algorithm must all differ
                        eds.add(HexFormat.of().formatHex(SigningKey.fromSeed(SignatureAlgorithm.ED25519, s).publicKey()));
                    }
                }
            }
        }
        assertEquals(n, seeds.size());
        assertEquals(n, eds.size());
        try (SecretBytes a = DerivationInfo.deriveSeed(root, OPERATIONAL_KEY_LABEL, "suite-1", SignatureAlgorithm.ML_DSA_65);
                SecretBytes b = DerivationInfo.deriveSeed(root, OPERATIONAL_KEY_LABEL, "suite-2", SignatureAlgorithm.ML_DSA_65)) {
            byte[] x = a.reveal();
            byte[] y = b.reveal();
            int sameBytes = 0;
            for (int i = 0; i < 32; i++) {
                sameBytes += x[i] == y[i] ? 1 : 0;
            }
            assertTrue(sameBytes < 8, "seeds look related: " + sameBytes + " equal bytes");
        }
    }

    @Test
    void deriveSeed_differentRoot_differentSeed() {
        try (SecretBytes other = SecretBytes.wrap(new byte[32]);
                InMemoryPseudoRandomKey otherRoot = InMemoryPseudoRandomKey.of(other);
                SecretBytes a = DerivationInfo.deriveSeed(root, OPERATIONAL_KEY_LABEL, "s1", SignatureAlgorithm.ED25519);
                SecretBytes b = DerivationInfo.deriveSeed(otherRoot, OPERATIONAL_KEY_LABEL, "s1", SignatureAlgorithm.ED25519)) {
            assertFalse(a.equals(b));
            assertEquals(32, a.length());
        }
    }

    @Test
    void deriveSeed_equalsSingleHmacBlock_seedIsT1() {
        byte[] info = DerivationInfo.encode(OPERATIONAL_KEY_LABEL, "s1", SignatureAlgorithm.ML_DSA_65);
        byte[] input = Arrays.copyOf(info, info.length + 1);
        input[info.length] = 0x01;
        try (SecretBytes seed = DerivationInfo.deriveSeed(root, OPERATIONAL_KEY_LABEL, "s1", SignatureAlgorithm.ML_DSA_65)) {
            assertArrayEquals(root.hmacSha256(input), seed.reveal());
        }
    }

    /** The worked example of docs/keys.md: root = 00 01 .. 1f, suite "suite-2026". */
    @Test
    void workedExample_docsKeysMd_matchesCode() {
        byte[] info = DerivationInfo.encode(OPERATIONAL_KEY_LABEL, "suite-2026", SignatureAlgorithm.ML_DSA_65);
        assertEquals("0010" + "7365616c65722f76312f6f702d6b6579" + "000a" + "73756974652d32303236" + "0009" + "6d6c2d6473612d3635",
                HexFormat.of().formatHex(info));
        try (SecretBytes ml = DerivationInfo.deriveSeed(root, OPERATIONAL_KEY_LABEL, "suite-2026", SignatureAlgorithm.ML_DSA_65);
                SecretBytes ed = DerivationInfo.deriveSeed(root, OPERATIONAL_KEY_LABEL, "suite-2026", SignatureAlgorithm.ED25519)) {
            assertEquals("16e242a17640ca0742e181391ac04a849f31bbf946295114c97d35168a1da7ca", HexFormat.of().formatHex(ml.reveal()));
            assertEquals("022939789272f01e1d5de26e50d6d5090a43bc65be87a95a7b643036a50b96ca", HexFormat.of().formatHex(ed.reveal()));
            byte[] edPk = SigningKey.fromSeed(SignatureAlgorithm.ED25519, ed).publicKey();
            byte[] mlPk = SigningKey.fromSeed(SignatureAlgorithm.ML_DSA_65, ml).publicKey();
            System.out.println("worked example: ed25519 pk " + HexFormat.of().formatHex(edPk) + " ml-dsa-65 pk[0..16] "
                    + HexFormat.of().formatHex(mlPk, 0, 16) + " sha256(ml-dsa-65 pk) " + sha256(mlPk));
            assertEquals(EXAMPLE_ED25519_PK, HexFormat.of().formatHex(edPk));
            assertEquals(EXAMPLE_MLDSA65_PK_SHA256, sha256(mlPk));
        }
    }

    private static final String EXAMPLE_ED25519_PK = "c661560c2bd054ba596cbcbbe4ebc1d59d1decf54ffa2081c398b247cf06c881";
    private static final String EXAMPLE_MLDSA65_PK_SHA256 = "b5a08bd4af6e739c5177e0cc7be5d7b87618c76ba9d343d4f077e63db93ca3d6";

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
