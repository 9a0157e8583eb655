package dev.sealer.core.crypto;

import static dev.sealer.core.crypto.TestJson.hex;
import static dev.sealer.core.crypto.TestJson.integer;
import static dev.sealer.core.crypto.TestJson.list;
import static dev.sealer.core.crypto.TestJson.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.KDF;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@link Hkdf#expandOnly} against Wycheproof HKDF-SHA256 and against JDK 25 {@code javax.crypto.KDF}. */
class WycheproofHkdfTest {

    /** RFC 5869 §2.2 extract with a JDK Mac; an empty salt means HashLen zero bytes. */
    private static byte[] extract(byte[] salt, byte[] ikm) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
        return mac.doFinal(ikm);
    }

    @Test
    void expandOnly_everyWycheproofCase_equalsOkmOrRejectsSize() throws Exception {
        Map<String, Object> file = TestJson.vectors("hkdf_sha256_test.json");
        List<String> failures = new ArrayList<>();
        int valid = 0;
        int invalid = 0;
        for (Map<String, Object> group : list(file, "testGroups")) {
            for (Map<String, Object> tc : list(group, "tests")) {
                String id = "tcId " + integer(tc, "tcId") + " (" + str(tc, "comment") + ")";
                byte[] prk = extract(hex(tc, "salt"), hex(tc, "ikm"));
                int size = integer(tc, "size");
                try (SecretBytes prkBytes = SecretBytes.wrap(prk);
                        InMemoryPseudoRandomKey key = InMemoryPseudoRandomKey.of(prkBytes)) {
                    if ("valid".equals(str(tc, "result"))) {
                        valid++;
                        try (SecretBytes okm = Hkdf.expandOnly(key, hex(tc, "info"), size)) {
                            if (!Arrays.equals(hex(tc, "okm"), okm.reveal())) {
                                failures.add(id + ": okm mismatch");
                            }
                        } catch (RuntimeException e) {
                            failures.add(id + ": threw " + e);
                        }
                    } else {
                        invalid++;
                        try (SecretBytes okm = Hkdf.expandOnly(key, hex(tc, "info"), size)) {
                            failures.add(id + ": size " + size + " accepted, expected rejection");
                        } catch (IllegalArgumentException expected) {
                            // rejected as required
                        }
                    }
                }
            }
        }
        assertEquals(83, valid, "valid HKDF cases");
        assertEquals(3, invalid, "invalid HKDF cases");
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
    }

    @Test
    void expandOnly_randomPrkAndInfo_equalsJdkKdfByteForByte() throws Exception {
        SplittableRandom rnd = new SplittableRandom(0x5ea1e7L);
        KDF kdf = KDF.getInstance("HKDF-SHA256");
        List<String> failures = new ArrayList<>();
        int[] lengths = {1, 31, 32, 33, 64, 100, 255, 1000, Hkdf.MAX_OUTPUT_LENGTH};
        for (int i = 0; i < 300; i++) {
            byte[] prk = new byte[32 + rnd.nextInt(3) * 16];
            byte[] info = new byte[rnd.nextInt(0, 200)];
            fill(rnd, prk);
            fill(rnd, info);
            int length = i < lengths.length ? lengths[i] : rnd.nextInt(1, 600);
            SecretKey jdkPrk = new SecretKeySpec(prk, "HKDF-PRK");
            byte[] expected = kdf.deriveData(HKDFParameterSpec.expandOnly(jdkPrk, info, length));
            try (SecretBytes p = SecretBytes.copyOf(prk);
                    InMemoryPseudoRandomKey key = InMemoryPseudoRandomKey.of(p);
                    SecretBytes actual = Hkdf.expandOnly(key, info, length)) {
                if (!Arrays.equals(expected, actual.reveal())) {
                    failures.add("prk=" + HexFormat.of().formatHex(prk) + " info=" + HexFormat.of().formatHex(info)
                            + " L=" + length);
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " mismatches:\n" + String.join("\n", failures));
    }

    @Test
    void deriveSeed_randomRoots_equalsJdkKdfOfCanonicalInfo() throws Exception {
        SecureRandom random = new SecureRandom();
        KDF kdf = KDF.getInstance("HKDF-SHA256");
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            byte[] root = new byte[32];
            random.nextBytes(root);
            byte[] info = DerivationInfo.encode(DerivationInfo.OPERATIONAL_KEY_LABEL, "suite-2026", alg);
            byte[] expected = kdf.deriveData(HKDFParameterSpec.expandOnly(new SecretKeySpec(root, "HKDF-PRK"), info, 32));
            try (SecretBytes r = SecretBytes.wrap(root);
                    InMemoryPseudoRandomKey key = InMemoryPseudoRandomKey.of(r);
                    SecretBytes seed = DerivationInfo.deriveSeed(key, DerivationInfo.OPERATIONAL_KEY_LABEL, "suite-2026", alg)) {
                assertTrue(Arrays.equals(expected, seed.reveal()), alg.id());
            }
        }
    }

    @Test
    void expandOnly_lengthOutOfRange_throwsIllegalArgument() {
        try (SecretBytes p = SecretBytes.wrap(new byte[32]); InMemoryPseudoRandomKey key = InMemoryPseudoRandomKey.of(p)) {
            assertThrows(IllegalArgumentException.class, () -> Hkdf.expandOnly(key, new byte[0], 0));
            assertThrows(IllegalArgumentException.class, () -> Hkdf.expandOnly(key, new byte[0], -1));
            assertThrows(IllegalArgumentException.class, () -> Hkdf.expandOnly(key, new byte[0], 255 * 32 + 1));
        }
    }

    @Test
    void expandOnly_prkReturningWrongLength_throwsIllegalState() {
        assertThrows(IllegalStateException.class, () -> Hkdf.expandOnly(m -> new byte[31], new byte[0], 32));
    }

    private static void fill(SplittableRandom rnd, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
    }
}
