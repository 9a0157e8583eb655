package dev.sealer.core.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OMS v1.0 hashing and statements (docs/formats.md §2.1), DSSE's PAE (§1) and the Sigstore bundle shape (§2.2): the
 * shared vector the Python client also reads, the path-component order against a reference, the ignore and symbolic
 * link rules, and the comparison that names changed, added and removed files.
 */
class OmsFormatTest {
    @TempDir
    Path tmp;

    @Test
    void nameOrder_isByPathComponentsThenCodePoints_notByUtf16Strings() {
        assertTrue(OmsStatement.NAME_ORDER.compare("a/b", "a-c") < 0, "a/b before a-c: \"a\" < \"a-c\"");
        assertTrue("a-c".compareTo("a/b") < 0, "although as strings a-c comes first");
        assertTrue(OmsStatement.NAME_ORDER.compare("x-\uff5e.txt", "x-\ud83d\ude00.txt") < 0, "U+FF5E before U+1F600 by code point");
        assertTrue("x-\ud83d\ude00.txt".compareTo("x-\uff5e.txt") < 0, "UTF-16 order says the opposite");
        assertTrue(OmsStatement.NAME_ORDER.compare("a", "a/b") < 0);
    }

    @Test
    void nameOrder_matchesAReferenceOverRandomPaths() {
        String[] alphabet = {"a", "b", "-", ".", "/", "\uff5e", "\ud83d\ude00", "A", "0"};
        Random random = new Random(16);
        for (int i = 0; i < 20_000; i++) {
            String x = randomPath(random, alphabet);
            String y = randomPath(random, alphabet);
            assertEquals(Integer.signum(reference(x, y)), Integer.signum(OmsStatement.NAME_ORDER.compare(x, y)), x + " vs " + y);
        }
    }

    private static String randomPath(Random r, String[] alphabet) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet[r.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }

    /** Python's PurePosixPath order, written plainly: lists of components, each an array of code points. */
    private static int reference(String x, String y) {
        List<int[]> a = new ArrayList<>();
        for (String p : x.split("/", -1)) {
            a.add(p.codePoints().toArray());
        }
        List<int[]> b = new ArrayList<>();
        for (String p : y.split("/", -1)) {
            b.add(p.codePoints().toArray());
        }
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = java.util.Arrays.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Test
    void statement_refusesNamesThatAreNotPlainRelativePaths() {
        for (String bad : List.of("/abs", "a//b", "./a", "a/../b", "a/", "tab\there")) {
            Map<String, Object> v = new OmsStatement("m", false, List.of(), List.of(new OmsStatement.Resource("ok", new byte[32]))).toJsonValue();
            String json = CanonicalJson.writeString(v).replace("\"name\":\"ok\"", "\"name\":" + CanonicalJson.writeString(bad));
            // the subject digest still matches: only the name is wrong
            SealerException e = assertThrows(SealerException.class, () -> OmsStatement.parse(json.getBytes(StandardCharsets.US_ASCII)), bad);
            assertEquals(Reason.INVALID_STATEMENT, e.reason());
            assertTrue(e.getMessage().startsWith("predicate.resources[0].name"), e.getMessage());
        }
    }

    @Test
    void pae_isDsseV1WithByteLengths() {
        assertArrayEquals("DSSEv1 29 http://example.com/HelloWorld 11 hello world".getBytes(StandardCharsets.US_ASCII),
                Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.US_ASCII)), "the DSSE protocol's example");
        assertArrayEquals("DSSEv1 28 application/vnd.in-toto+json 5 hello".getBytes(StandardCharsets.US_ASCII),
                Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, "hello".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("DSSEv1 1 t 4 \u00e9\u00e9".getBytes(StandardCharsets.UTF_8), Dsse.pae("t", "\u00e9\u00e9".getBytes(StandardCharsets.UTF_8)),
                "lengths count bytes, not characters");
    }

    @Test
    void sigstoreBundle_roundTrips_andRefusesAnotherShape() {
        Dsse.Envelope env = new Dsse.Envelope(Dsse.IN_TOTO_PAYLOAD_TYPE, "{}".getBytes(StandardCharsets.US_ASCII),
                List.of(new Dsse.Signature("s/ed25519", new byte[64])));
        SigstoreBundle b = new SigstoreBundle("s/ed25519", env, List.of(new byte[] {1, 2}));
        SigstoreBundle back = SigstoreBundle.parse(b.toJson());
        assertEquals("s/ed25519", back.keyHint());
        assertArrayEquals(new byte[] {1, 2}, back.rfc3161Timestamps().get(0));
        assertEquals(b.toJson(), back.toJson());
        String two = b.toJson().replace("\"signatures\":[{", "\"signatures\":[{\"keyid\":\"x\",\"sig\":\"" + Base64.getEncoder().encodeToString(new byte[64]) + "\"},{");
        assertEquals(Reason.MALFORMED_BUNDLE, assertThrows(SealerException.class, () -> SigstoreBundle.parse(two)).reason());
        String media = b.toJson().replace("bundle.v0.3+json", "bundle.v0.2+json");
        assertEquals(Reason.MALFORMED_BUNDLE, assertThrows(SealerException.class, () -> SigstoreBundle.parse(media)).reason());
        assertEquals(Reason.MALFORMED_BUNDLE, assertThrows(SealerException.class, () -> SigstoreBundle.parse("[1]")).reason());
    }

    @Test
    void keyIds_nameASuiteAndAnAlgorithm() {
        assertEquals("suite-1/ed25519", KeyIds.of("suite-1", dev.sealer.core.crypto.SignatureAlgorithm.ED25519));
        assertEquals(new KeyIds.Named("suite-1", dev.sealer.core.crypto.SignatureAlgorithm.ML_DSA_65), KeyIds.parse("suite-1/ml-dsa-65").orElseThrow());
        assertTrue(KeyIds.parse("suite-1/rsa").isEmpty());
        assertTrue(KeyIds.parse("/ed25519").isEmpty());
        assertTrue(KeyIds.parse("").isEmpty());
    }
}
