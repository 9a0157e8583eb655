package dev.sealer.core.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** RFC 8785 behaviour that fits the string/integer value model. */
class CanonicalJsonRfc8785Test {

    @Test
    void sortsKeysByUtf16CodeUnitsPerRfc8785Section323Example() {
        // RFC 8785 §3.2.3, with the values restricted to strings (they already are).
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\u20ac", "Euro Sign");
        m.put("\r", "Carriage Return");
        m.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
        m.put("1", "One");
        m.put("\ud83d\ude00", "Emoji: Grinning Face");
        m.put("\u0080", "Control");
        m.put("\u00f6", "Latin Small Letter O With Diaeresis");
        // The RFC lists the sorted property names as: CR, 1, U+0080, U+00F6, U+20AC, U+1F600,
        // U+FB33 (the emoji precedes U+FB33 because its high surrogate 0xD83D < 0xFB33).
        assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\\u0080\":\"Control\","
                + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\\u20ac\":\"Euro Sign\","
                + "\"\\ud83d\\ude00\":\"Emoji: Grinning Face\","
                + "\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
                CanonicalJson.writeString(m));
    }

    @Test
    void sortsAsciiKeysByteWiseUppercaseBeforeLowercaseAndPrefixFirst() {
        Map<String, Object> m = new HashMap<>();
        for (String k : List.of("b", "a", "B", "A", "aa", "a ", "", "10", "9", "_")) {
            m.put(k, k.length());
        }
        assertEquals("{\"\":0,\"10\":2,\"9\":1,\"A\":1,\"B\":1,\"_\":1,\"a\":1,\"a \":2,"
                + "\"aa\":2,\"b\":1}", CanonicalJson.writeString(m));
    }

    @Test
    void escapesStringsLikeRfc8785Section3222ExampleButWithAsciiOutput() {
        // RFC 8785 §3.2.2.2: the input string literal below (written with JSON escapes)
        // serializes as EURO SIGN, $, backslash-u000f, backslash-n, A'B, then escaped quote,
        // two escaped backslashes, escaped quote and an unescaped solidus. Unlike the RFC we
        // additionally escape the euro sign (ASCII output).
        Object parsed = Json.parse("\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"");
        assertEquals("\u20ac$\u000f\nA'B\"\\\\\"/", parsed);
        assertEquals("\"\\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"", CanonicalJson.writeString(parsed));
    }

    @Test
    void usesShortEscapesForTheFiveNamedControlsAndLowercaseHexForOthers() {
        assertEquals("\"\\b\\t\\n\\f\\r\\u0000\\u001f\\u000b\"",
                CanonicalJson.writeString("\b\t\n\f\r\u0000\u001f\u000b"));
    }

    @Test
    void doesNotEscapeSolidusOrPrintableAscii() {
        String printable = "/ !#$%&'()*+,-.0123456789:;<=>?@AZ[]^_`az{|}~";
        assertEquals("\"" + printable + "\"", CanonicalJson.writeString(printable));
    }

    @Test
    void escapesDelLikePythonEnsureAscii() {
        assertEquals("\"a\\u007fb\"", CanonicalJson.writeString("a\u007fb"));
    }

    @Test
    void writesSupplementaryCharactersAsLowercaseSurrogatePairEscapes() {
        assertEquals("\"\\ud83d\\ude00\\udbff\\udfff\\ud800\\udc00\"",
                CanonicalJson.writeString("\ud83d\ude00\udbff\udfff\ud800\udc00"));
    }

    @Test
    void writesIntegersAsPlainDecimalForEverySupportedType() {
        List<Object> values = Arrays.asList(0L, -0L, 1, -1, (short) 300, (byte) -128,
                9007199254740991L, -9007199254740991L, BigInteger.valueOf(-9007199254740991L),
                BigInteger.ZERO, Integer.MIN_VALUE, Long.valueOf(1_000_000L));
        assertEquals("[0,0,1,-1,300,-128,9007199254740991,-9007199254740991,-9007199254740991,"
                + "0,-2147483648,1000000]", CanonicalJson.writeString(values));
    }

    @Test
    void writesLiteralsAndEmptyContainersWithoutWhitespace() {
        List<Object> values = new ArrayList<>(Arrays.asList(true, false, null, List.of(), Map.of(),
                "", List.of(List.of()), Map.of("a", Map.of())));
        assertEquals("[true,false,null,[],{},\"\",[[]],{\"a\":{}}]",
                CanonicalJson.writeString(values));
        assertEquals("null", CanonicalJson.writeString(null));
    }

    @Test
    void writeReturnsTheAsciiBytesOfWriteString() {
        Map<String, Object> m = new TreeMap<>(Map.of("k\u00e9", List.of("\ud83d\ude00", 1L)));
        String s = CanonicalJson.writeString(m);
        assertEquals("{\"k\\u00e9\":[\"\\ud83d\\ude00\",1]}", s);
        assertArrayEquals(s.getBytes(StandardCharsets.US_ASCII), CanonicalJson.write(m));
        for (byte b : CanonicalJson.write(m)) {
            assertEquals(0, b & 0x80, "output must be pure ASCII");
        }
    }

    @Test
    void sortsNestedObjectsIndependently() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("y", 2);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("b", List.of(inner, inner));
        outer.put("a", inner);
        assertEquals("{\"a\":{\"y\":2,\"z\":1},\"b\":[{\"y\":2,\"z\":1},{\"y\":2,\"z\":1}]}",
                CanonicalJson.writeString(outer));
    }
}
