package dev.sealer.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CanonicalJsonRejectionTest {

    private static String rejected(Object value) {
        return assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write(value))
                .getMessage();
    }

    @Test
    void rejectsDoubleFloatAndBigDecimalNamingTheType() {
        assertTrue(rejected(1.0d).contains("java.lang.Double"));
        assertTrue(rejected(1.5f).contains("java.lang.Float"));
        assertTrue(rejected(new BigDecimal("1")).contains("java.math.BigDecimal"));
        assertTrue(rejected(Double.NaN).contains("no floating point"));
    }

    @Test
    void rejectsOtherTypesNamingTheTypeAndPath() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("labels", List.of("ok", new AtomicLong(1)));
        assertEquals("cannot write canonical JSON: unsupported type"
                + " java.util.concurrent.atomic.AtomicLong (only integers are allowed: Long,"
                + " Integer, Short, Byte, BigInteger; no floating point or BigDecimal)"
                + " at $.labels[1]", rejected(m));
        assertTrue(rejected('c').contains("java.lang.Character"));
        assertTrue(rejected(new Object()).contains("java.lang.Object"));
        assertTrue(rejected(new String[] {"a"}).contains("[Ljava.lang.String;"));
        assertTrue(rejected(Map.of("a b", new StringBuilder())).endsWith("at $[\"a b\"]"));
    }

    @Test
    void acceptsIntegersExactlyAtPlusMinus2To53Minus1() {
        assertEquals("[9007199254740991,-9007199254740991]", CanonicalJson.writeString(
                List.of(9007199254740991L, BigInteger.valueOf(-9007199254740991L))));
    }

    @Test
    void rejectsIntegersBeyondPlusMinus2To53Minus1() {
        assertTrue(rejected(9007199254740992L).contains("integer 9007199254740992 is outside"));
        assertTrue(rejected(-9007199254740992L).contains("integer -9007199254740992 is outside"));
        assertTrue(rejected(Long.MAX_VALUE).contains("outside ±(2^53-1)"));
        assertTrue(rejected(Long.MIN_VALUE).contains("outside ±(2^53-1)"));
        assertTrue(rejected(BigInteger.ONE.shiftLeft(53)).contains("integer 9007199254740992"));
        assertTrue(rejected(BigInteger.ONE.shiftLeft(53).negate())
                .contains("integer -9007199254740992"));
        assertTrue(rejected(BigInteger.TEN.pow(30)).contains("outside"));
    }

    @Test
    void rejectsNonStringAndNullMapKeys() {
        Map<Object, Object> intKey = new HashMap<>();
        intKey.put(1, "x");
        assertEquals("cannot write canonical JSON: map key must be a String but was"
                + " java.lang.Integer 1 at $", rejected(intKey));
        Map<Object, Object> nullKey = new HashMap<>();
        nullKey.put(null, "x");
        assertTrue(rejected(nullKey).contains("map key must be a String but was null"));
        assertTrue(rejected(Map.of("a", Map.of('c', 1))).endsWith("at $.a"));
    }

    @Test
    void rejectsDuplicateKeysFromIdentityMaps() {
        Map<String, Object> m = new IdentityHashMap<>();
        m.put("k", 1);
        m.put(new String("k"), 2);
        assertTrue(rejected(m).contains("duplicate map key \"k\""));
    }

    @Test
    void rejectsUnpairedSurrogatesInValuesAndKeys() {
        assertEquals("cannot write canonical JSON: string contains an unpaired surrogate U+D83D"
                + " at char index 1 at $", rejected("a\ud83d"));
        assertTrue(rejected("\ude00a").contains("unpaired surrogate U+DE00 at char index 0"));
        assertTrue(rejected("\ud83d\ud83d\ude00").contains("U+D83D at char index 0"));
        assertTrue(rejected("x\ude00\ud83d").contains("U+DE00 at char index 1"));
        assertTrue(rejected(List.of("ok", "\ud800x")).endsWith("at $[1]"));
        assertTrue(rejected(Map.of("\udfff", 1)).contains("unpaired surrogate U+DFFF"));
    }

    @Test
    void rejectsNestingDeeperThan64AndSelfReferences() {
        Object ok = List.of();
        for (int i = 1; i < 64; i++) {
            ok = List.of(ok);
        }
        assertEquals("[".repeat(64) + "]".repeat(64), CanonicalJson.writeString(ok));
        assertTrue(rejected(List.of(ok)).contains("nesting deeper than 64"));

        List<Object> self = new ArrayList<>();
        self.add(self);
        assertTrue(rejected(self).contains("nesting deeper than 64"));
    }
}
