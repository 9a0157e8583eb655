package dev.sealer.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the parser accepts and which Java types it produces. */
class JsonParserTest {

    @Test
    void objectsAreLinkedHashMapsPreservingDocumentOrder() {
        Object v = Json.parse("{\"z\":1,\"a\":2,\"m\":3}");
        LinkedHashMap<?, ?> m = assertInstanceOf(LinkedHashMap.class, v);
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(m.keySet()));
    }

    @Test
    void arraysAreArrayListsAndJsonNullIsJavaNull() {
        Object v = Json.parse("[null, 1 ,\"s\",true,false,[],{}]");
        ArrayList<?> l = assertInstanceOf(ArrayList.class, v);
        assertEquals(Arrays.asList(null, 1L, "s", true, false, List.of(), Map.of()), l);
        assertNull(Json.parse(" null "));
        Map<String, Object> m = Json.parseObject("{\"a\":null}");
        assertTrue(m.containsKey("a"));
        assertNull(m.get("a"));
    }

    @Test
    void integersAreLongsAndOutOfRangeIntegersAreBigIntegers() {
        assertEquals(0L, Json.parse("0"));
        assertEquals(0L, Json.parse("-0"));
        assertEquals(-12L, Json.parse("-12"));
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
        assertEquals(new BigInteger("-123456789012345678901234567890"),
                Json.parse("-123456789012345678901234567890"));
    }

    @Test
    void numbersWithFractionOrExponentAreBigDecimalsAsWritten() {
        assertEquals(new BigDecimal("1.0"), Json.parse("1.0"));
        assertEquals(new BigDecimal("1E+2"), Json.parse("1E+2"));
        assertEquals(new BigDecimal("-0.5e-3"), Json.parse("-0.5e-3"));
        assertEquals(new BigDecimal("0e0"), Json.parse("0e0"));
    }

    @Test
    void decodesAllEscapesAndRawUtf8() {
        assertEquals("\"\\/\b\f\n\r\t\u00e9\uABCD\ud83d\ude00",
                Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\uabcd\\uD83D\\uDE00\""));
        String raw = "\u0080\u07ff\u0800\ud7ff\ue000\uffff\ud800\udc00\udbff\udfff\u007f";
        assertEquals(raw, Json.parse(("\"" + raw + "\"").getBytes(StandardCharsets.UTF_8)));
        assertEquals(raw, Json.parse("\"" + raw + "\""));
    }

    @Test
    void acceptsExactly64LevelsOfNesting() {
        Object v = Json.parse("[".repeat(64) + "]".repeat(64));
        int depth = 0;
        while (v instanceof List<?> l) {
            depth++;
            v = l.isEmpty() ? null : l.get(0);
        }
        assertEquals(64, depth);
        assertInstanceOf(Map.class,
                Json.parse("{\"a\":".repeat(63) + "{}" + "}".repeat(63)));
    }

    @Test
    void acceptsAllFourWhitespaceCharactersBetweenTokens() {
        assertEquals(Map.of("a", List.of(1L, 2L)),
                Json.parse(" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ 1 , 2 ] \t\r\n} \t\r\n"));
    }

    @Test
    void acceptsInputOfExactlyTheLimit() {
        byte[] exact = ("\"" + "a".repeat(Json.DEFAULT_MAX_BYTES - 2) + "\"")
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals(Json.DEFAULT_MAX_BYTES - 2, ((String) Json.parse(exact)).length());
    }
}
