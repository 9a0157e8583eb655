package dev.sealer.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class JsonAccessorsTest {

    private final Map<String, Object> doc = Json.parseObject("""
            {"s":"text","i":42,"big":12345678901234567890,"f":1.0,"b":true,"n":null,
             "o":{"k":"v"},"a":[1,"x"]}""");

    private static String failure(Executable e) {
        JsonFormatException ex = assertThrows(JsonFormatException.class, e);
        assertEquals(-1, ex.offset());
        return ex.getMessage();
    }

    @Test
    void requiredAccessorsReturnTypedValues() {
        assertEquals("text", Json.string(doc, "s"));
        assertEquals(42L, Json.integer(doc, "i"));
        assertTrue(Json.bool(doc, "b"));
        assertEquals(Map.of("k", "v"), Json.object(doc, "o"));
        assertEquals(List.of(1L, "x"), Json.array(doc, "a"));
        assertEquals("v", Json.string(Json.object(doc, "o"), "k"));
    }

    @Test
    void requiredAccessorsNameMissingField() {
        assertEquals("field \"nope\" must be a string but was missing",
                failure(() -> Json.string(doc, "nope")));
        assertEquals("field \"nope\" must be an integer but was missing",
                failure(() -> Json.integer(doc, "nope")));
        assertEquals("field \"nope\" must be an object but was missing",
                failure(() -> Json.object(doc, "nope")));
        assertEquals("field \"nope\" must be an array but was missing",
                failure(() -> Json.array(doc, "nope")));
        assertEquals("field \"nope\" must be a boolean but was missing",
                failure(() -> Json.bool(doc, "nope")));
    }

    @Test
    void requiredAccessorsNameNullAndMistypedField() {
        assertEquals("field \"n\" must be a string but was null", failure(() -> Json.string(doc, "n")));
        assertEquals("field \"i\" must be a string but was integer", failure(() -> Json.string(doc, "i")));
        assertEquals("field \"s\" must be an integer but was string", failure(() -> Json.integer(doc, "s")));
        assertEquals("field \"f\" must be an integer but was number", failure(() -> Json.integer(doc, "f")));
        assertEquals("field \"big\" integer 12345678901234567890 does not fit in 64 bits",
                failure(() -> Json.integer(doc, "big")));
        assertEquals("field \"a\" must be an object but was array", failure(() -> Json.object(doc, "a")));
        assertEquals("field \"o\" must be an array but was object", failure(() -> Json.array(doc, "o")));
        assertEquals("field \"s\" must be a boolean but was string", failure(() -> Json.bool(doc, "s")));
    }

    @Test
    void optionalAccessorsTreatAbsentAndNullAsEmptyButStillCheckType() {
        assertEquals(Optional.of("text"), Json.optString(doc, "s"));
        assertEquals(Optional.empty(), Json.optString(doc, "nope"));
        assertEquals(Optional.empty(), Json.optString(doc, "n"));
        assertEquals(OptionalLong.of(42), Json.optInteger(doc, "i"));
        assertEquals(OptionalLong.empty(), Json.optInteger(doc, "n"));
        assertEquals(Optional.of(true), Json.optBool(doc, "b"));
        assertFalse(Json.optObject(doc, "nope").isPresent());
        assertEquals(Optional.of(Map.of("k", "v")), Json.optObject(doc, "o"));
        assertEquals(Optional.of(List.of(1L, "x")), Json.optArray(doc, "a"));
        assertEquals(Optional.empty(), Json.optArray(doc, "n"));
        assertEquals("field \"i\" must be a string but was integer",
                failure(() -> Json.optString(doc, "i")));
        assertEquals("field \"s\" must be an integer but was string",
                failure(() -> Json.optInteger(doc, "s")));
        assertEquals("field \"s\" must be an object but was string",
                failure(() -> Json.optObject(doc, "s")));
    }

    @Test
    void parseObjectRejectsNonObjectTopLevel() {
        assertEquals("top-level value must be an object but was array",
                failure(() -> Json.parseObject("[]")));
        assertEquals("top-level value must be an object but was null",
                failure(() -> Json.parseObject("null")));
    }

    @Test
    void fieldNamesInMessagesAreQuotedAndEscaped() {
        assertEquals("field \"we\\\"ird\\u000a\" must be a string but was missing",
                failure(() -> Json.string(doc, "we\"ird\n")));
    }
}
