package dev.sealer.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed input is rejected with a {@link JsonFormatException} giving the byte offset. */
class JsonParserRejectionTest {

    static Stream<Arguments> malformed() {
        return Stream.of(
                // name, input, expected message
                Arguments.of("trailing comma in array", "[1,2,]",
                        "trailing comma in array at byte offset 5"),
                Arguments.of("trailing comma in object", "{\"a\":1,}",
                        "trailing comma in object at byte offset 7"),
                Arguments.of("duplicate key", "{\"a\":1,\"b\":2,\"a\":3}",
                        "duplicate key \"a\" at byte offset 13"),
                Arguments.of("duplicate key after unescaping", "{\"a\":1,\"\\u0061\":2}",
                        "duplicate key \"a\" at byte offset 7"),
                Arguments.of("leading zero", "[01]", "leading zero in number at byte offset 1"),
                Arguments.of("negative leading zero", "-012", "leading zero in number at byte offset 0"),
                Arguments.of("bad escape", "\"a\\x\"", "invalid escape '\\x' in string at byte offset 2"),
                Arguments.of("short unicode escape", "\"\\u12\"",
                        "invalid \\u escape: expected 4 hex digits at byte offset 1"),
                Arguments.of("depth 65", "[".repeat(65) + "]".repeat(65),
                        "nesting deeper than 64 at byte offset 64"),
                Arguments.of("depth 65 objects", "{\"a\":".repeat(65) + "1" + "}".repeat(65),
                        "nesting deeper than 64 at byte offset 320"),
                Arguments.of("trailing garbage", "{\"a\":1} x",
                        "trailing data after the JSON value at byte offset 8"),
                Arguments.of("two values", "1 2", "trailing data after the JSON value at byte offset 2"),
                Arguments.of("lone high surrogate escape", "\"\\ud83d\"",
                        "unpaired surrogate escape \\ud83d in string at byte offset 1"),
                Arguments.of("high surrogate then non-surrogate", "\"\\ud83d\\u0041\"",
                        "unpaired surrogate escape \\ud83d in string at byte offset 1"),
                Arguments.of("lone low surrogate escape", "\"x\\ude00\"",
                        "unpaired surrogate escape \\ude00 in string at byte offset 2"),
                Arguments.of("raw control char in string", "\"a\tb\"",
                        "unescaped control character U+0009 in string at byte offset 2"),
                Arguments.of("raw newline in string", "\"a\nb\"",
                        "unescaped control character U+000A in string at byte offset 2"),
                Arguments.of("unterminated string", "\"abc",
                        "unterminated string at byte offset 4"),
                Arguments.of("empty input", "", "unexpected end of input, expected a value at byte offset 0"),
                Arguments.of("whitespace only", " \n", "unexpected end of input, expected a value at byte offset 2"),
                Arguments.of("single quotes", "['a']", "unexpected ''', expected a value at byte offset 1"),
                Arguments.of("unquoted key", "{a:1}", "expected a string key but found 'a' at byte offset 1"),
                Arguments.of("missing colon", "{\"a\" 1}",
                        "expected ':' after object key but found '1' at byte offset 5"),
                Arguments.of("missing comma", "[1 2]",
                        "expected ',' or ']' in array but found '2' at byte offset 3"),
                Arguments.of("unclosed array", "[1", "unexpected end of input in array at byte offset 2"),
                Arguments.of("unclosed object", "{\"a\":1", "unexpected end of input in object at byte offset 6"),
                Arguments.of("leading comma", "[,1]", "unexpected ',', expected a value at byte offset 1"),
                Arguments.of("plus sign", "+1", "unexpected '+', expected a value at byte offset 0"),
                Arguments.of("bare fraction", ".5", "unexpected '.', expected a value at byte offset 0"),
                Arguments.of("trailing decimal point", "1.", "expected a digit after the decimal point at byte offset 2"),
                Arguments.of("empty exponent", "1e+", "expected a digit in exponent at byte offset 3"),
                Arguments.of("minus alone", "-", "expected a digit in number at byte offset 1"),
                Arguments.of("NaN", "NaN", "unexpected 'N', expected a value at byte offset 0"),
                Arguments.of("Infinity", "-Infinity", "expected a digit in number at byte offset 1"),
                Arguments.of("hex number", "0x10", "trailing data after the JSON value at byte offset 1"),
                Arguments.of("bad literal", "tru", "invalid literal, expected 'true' at byte offset 0"),
                Arguments.of("capitalised literal", "True", "unexpected 'T', expected a value at byte offset 0"),
                Arguments.of("comment", "[1]// c", "trailing data after the JSON value at byte offset 3"),
                Arguments.of("non-JSON whitespace", "\u000b1", "unexpected byte 0x0b, expected a value at byte offset 0"),
                Arguments.of("exponent overflow", "1e9999999999", "number out of range at byte offset 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedInputWithMessageAndByteOffset(String name, String input, String message) {
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> Json.parse(input));
        assertEquals(message, e.getMessage());
        assertEquals(Long.parseLong(message.substring(message.lastIndexOf(' ') + 1)), e.offset());
        // the byte[] entry point agrees
        JsonFormatException e2 = assertThrows(JsonFormatException.class,
                () -> Json.parse(input.getBytes(StandardCharsets.UTF_8)));
        assertEquals(message, e2.getMessage());
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("bare continuation byte", "22 80 22", "invalid UTF-8 lead byte 0x80 at byte offset 1"),
                Arguments.of("overlong slash c0af", "22 c0 af 22", "invalid UTF-8 lead byte 0xc0 at byte offset 1"),
                Arguments.of("overlong e080af", "22 e0 80 af 22", "invalid UTF-8 sequence at byte offset 1"),
                Arguments.of("overlong f08080af", "22 f0 80 80 af 22", "invalid UTF-8 sequence at byte offset 1"),
                Arguments.of("encoded surrogate eda080", "22 ed a0 80 22", "invalid UTF-8 sequence at byte offset 1"),
                Arguments.of("above U+10FFFF f4908080", "22 f4 90 80 80 22", "invalid UTF-8 sequence at byte offset 1"),
                Arguments.of("f5 lead byte", "22 f5 80 80 80 22", "invalid UTF-8 lead byte 0xf5 at byte offset 1"),
                Arguments.of("truncated sequence", "22 e2 82 22", "invalid UTF-8 sequence at byte offset 1"),
                Arguments.of("truncated at end", "22 e2 82", "invalid UTF-8 sequence at byte offset 1"),
                Arguments.of("byte order mark", "ef bb bf 31", "unexpected byte 0xef, expected a value at byte offset 0"),
                Arguments.of("utf-8 outside string", "5b c3 a9 5d", "unexpected byte 0xc3, expected a value at byte offset 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void rejectsInvalidUtf8WithByteOffset(String name, String hex, String message) {
        byte[] input = HexFormat.of().parseHex(hex.replace(" ", ""));
        assertEquals(message,
                assertThrows(JsonFormatException.class, () -> Json.parse(input)).getMessage());
    }

    @Test
    void rejectsInputLargerThanTheDefaultOneMebibyte() {
        byte[] big = ("\"" + "a".repeat(Json.DEFAULT_MAX_BYTES - 1) + "\"")
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals("input of 1048577 bytes exceeds the limit of 1048576 bytes at byte offset"
                + " 1048576", assertThrows(JsonFormatException.class, () -> Json.parse(big))
                .getMessage());
        assertEquals(1048577 - 2, ((String) Json.parse(big, big.length)).length());
    }

    @Test
    void rejectsInputLargerThanAConfiguredLimit() {
        assertEquals("[1,2]", CanonicalJson.writeString(Json.parse("[1,2]", 5)));
        assertEquals("input of 5 bytes exceeds the limit of 4 bytes at byte offset 4",
                assertThrows(JsonFormatException.class,
                        () -> Json.parse("[1,2]".getBytes(StandardCharsets.US_ASCII), 4))
                        .getMessage());
        // the limit applies to UTF-8 bytes, not chars: "é" is 2 bytes
        assertThrows(JsonFormatException.class, () -> Json.parse("\"\u00e9\"", 3));
        assertEquals("\u00e9", Json.parse("\"\u00e9\"", 4));
    }

    @Test
    void rejectsJavaStringInputContainingAnUnpairedSurrogate() {
        JsonFormatException e = assertThrows(JsonFormatException.class,
                () -> Json.parse("[\"\u00e9\ud83d\"]"));
        assertEquals("input string contains an unpaired surrogate at char index 3 at byte offset 4",
                e.getMessage());
    }

    @Test
    void exceptionIsASealerExceptionWithReasonMalformedBundle() {
        dev.sealer.core.error.SealerException e = assertThrows(dev.sealer.core.error.SealerException.class,
                () -> Json.parse("{"));
        assertEquals(JsonFormatException.class, e.getClass());
        assertEquals(dev.sealer.core.error.Reason.MALFORMED_BUNDLE, e.reason());
    }
}
