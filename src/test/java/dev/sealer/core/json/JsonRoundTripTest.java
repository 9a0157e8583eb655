package dev.sealer.core.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class JsonRoundTripTest {

    private static final long SEED = 0x5EA1E12L;

    /** Random value over the whole write model, using Long for integers (what parse returns). */
    static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth >= 6 ? 5 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> randomLong(r);
            case 3, 4 -> randomString(r);
            case 5 -> {
                int n = r.nextInt(6);
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(randomValue(r, depth + 1));
                }
                yield l;
            }
            default -> {
                int n = r.nextInt(6);
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    m.put(randomString(r), randomValue(r, depth + 1));
                }
                yield m;
            }
        };
    }

    static long randomLong(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(21) - 10;
            case 1 -> r.nextInt();
            case 2 -> (r.nextBoolean() ? 1 : -1) * CanonicalJson.MAX_SAFE_INTEGER;
            default -> r.nextLong(-CanonicalJson.MAX_SAFE_INTEGER, CanonicalJson.MAX_SAFE_INTEGER + 1);
        };
    }

    static String randomString(Random r) {
        int n = r.nextInt(8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int cp = switch (r.nextInt(6)) {
                case 0 -> r.nextInt(0x20);                      // controls
                case 1 -> 0x20 + r.nextInt(0x60);               // printable ASCII, DEL
                case 2 -> "\"\\/".charAt(r.nextInt(3));
                case 3 -> 0x80 + r.nextInt(0xD800 - 0x80);      // BMP below surrogates
                case 4 -> 0xE000 + r.nextInt(0x2000);           // BMP above surrogates
                default -> 0x10000 + r.nextInt(0x100000);       // supplementary
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    @RepeatedTest(200)
    void parseOfWriteEqualsOriginalForRandomNestedValues(RepetitionInfo info) {
        Random r = new Random(SEED + info.getCurrentRepetition());
        Object x = randomValue(r, 0);
        byte[] canonical = CanonicalJson.write(x);
        assertEquals(x, Json.parse(canonical));
        // canonical form is a fixed point
        assertArrayEquals(canonical, CanonicalJson.write(Json.parse(canonical)));
    }

    @RepeatedTest(50)
    void writeIsDeterministicRegardlessOfMapInsertionOrder(RepetitionInfo info) {
        Random r = new Random(SEED * 31 + info.getCurrentRepetition());
        Map<String, Object> original = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            original.put(randomString(r), randomValue(r, 3));
        }
        byte[] expected = CanonicalJson.write(original);
        for (int shuffle = 0; shuffle < 5; shuffle++) {
            List<String> keys = new ArrayList<>(original.keySet());
            Collections.shuffle(keys, r);
            Map<String, Object> reordered = new LinkedHashMap<>();
            for (String k : keys) {
                reordered.put(k, original.get(k));
            }
            assertArrayEquals(expected, CanonicalJson.write(reordered));
        }
        assertArrayEquals(expected, CanonicalJson.write(new HashMap<>(original)));
        assertArrayEquals(expected, CanonicalJson.write(new TreeMap<>(original)));
    }

    @Test
    void integerTypesAllWriteTheSameAsLongAndParseBackAsLong() {
        List<Object> mixed = List.of(7, (short) 7, (byte) 7, java.math.BigInteger.valueOf(7), 7L);
        assertEquals("[7,7,7,7,7]", CanonicalJson.writeString(mixed));
        assertEquals(List.of(7L, 7L, 7L, 7L, 7L), Json.parse(CanonicalJson.write(mixed)));
    }

    @Test
    void nonAsciiInputDocumentRoundTripsToAsciiCanonicalForm() {
        byte[] doc = "{\"\u00e9\":\"\ud83d\ude00\u2028\",\"a\":[1, true,null]}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("{\"a\":[1,true,null],\"\\u00e9\":\"\\ud83d\\ude00\\u2028\"}",
                CanonicalJson.writeString(Json.parse(doc)));
    }
}
