package dev.sealer.core.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Strict RFC 8259 JSON parser plus typed accessors for parsed objects.
 *
 * <h2>Value model</h2>
 *
 * <ul>
 *   <li>object → {@link LinkedHashMap}{@code <String, Object>} in document order;
 *   <li>array → {@link ArrayList}{@code <Object>};
 *   <li>string → {@link String};
 *   <li>number without fraction or exponent → {@link Long} (or {@link BigInteger} if it does not
 *       fit in a {@code long}); {@code -0} parses as {@code 0L};
 *   <li>number with a fraction and/or exponent → {@link BigDecimal} (exactly as written, e.g.
 *       {@code 1.0} and {@code 1E+2} are kept distinct from {@code 1} and {@code 100});
 *   <li>{@code true}/{@code false} → {@link Boolean};
 *   <li>{@code null} → Java {@code null}. There is no sentinel: a member whose value is
 *       {@code null} is present in the map ({@code containsKey} is true) with value {@code null}.
 * </ul>
 *
 * Values parsed from integer-only documents are accepted by {@link CanonicalJson#write} (within
 * ±(2<sup>53</sup>−1)), so {@code parse(write(x)).equals(x)} for values built from {@code Long}.
 *
 * <h2>Strictness</h2>
 *
 * Input must be exactly one JSON value surrounded by optional whitespace (space, tab, LF, CR) and
 * must be well-formed UTF-8 (no byte-order mark, no overlong forms, no encoded surrogates).
 * Rejected with a {@link JsonFormatException} whose message ends in {@code "at byte offset N"}:
 * trailing data, trailing commas, duplicate object keys (compared after unescaping; the message
 * names the key), leading zeros, invalid escapes, {@code \}{@code u} escapes forming an unpaired
 * surrogate, unescaped control characters in strings, nesting deeper than {@value #MAX_DEPTH}
 * containers, and input longer than the size limit (default {@value #DEFAULT_MAX_BYTES} bytes).
 *
 * <h2>Typed accessors</h2>
 *
 * {@link #string}, {@link #integer}, {@link #bool}, {@link #object}, {@link #array} return a
 * required member; the {@code opt*} variants return empty if the member is absent or JSON
 * {@code null}. All throw {@link JsonFormatException} naming the field when it is missing or has
 * the wrong type.
 */
public final class Json {

    /** Default maximum input size: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;

    /** Maximum container nesting depth; a document nested {@code MAX_DEPTH + 1} deep is rejected. */
    public static final int MAX_DEPTH = 64;

    private Json() {}

    // ------------------------------------------------------------------ parsing

    /** Parses UTF-8 JSON text of at most {@link #DEFAULT_MAX_BYTES} bytes. */
    public static Object parse(byte[] utf8) {
        return parse(utf8, DEFAULT_MAX_BYTES);
    }

    /** Parses UTF-8 JSON text of at most {@code maxBytes} bytes. */
    public static Object parse(byte[] utf8, int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
        }
        if (utf8.length > maxBytes) {
            throw new JsonFormatException(
                    "input of " + utf8.length + " bytes exceeds the limit of " + maxBytes + " bytes",
                    maxBytes);
        }
        return new Parser(utf8).document();
    }

    /**
     * Parses JSON text given as a string, limited to {@link #DEFAULT_MAX_BYTES} bytes of its UTF-8
     * encoding. Error offsets are byte offsets into that UTF-8 encoding.
     */
    public static Object parse(String json) {
        return parse(json, DEFAULT_MAX_BYTES);
    }

    /**
     * Parses JSON text given as a string, limited to {@code maxBytes} bytes of its UTF-8 encoding.
     * A string containing an unpaired surrogate code unit (which has no UTF-8 encoding) is
     * rejected.
     */
    public static Object parse(String json, int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
        }
        if (json.length() > maxBytes) { // every char encodes to at least one byte
            throw new JsonFormatException("input of at least " + json.length()
                    + " bytes exceeds the limit of " + maxBytes + " bytes", maxBytes);
        }
        byte[] utf8;
        try {
            ByteBuffer bb = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(json));
            utf8 = new byte[bb.remaining()];
            bb.get(utf8);
        } catch (CharacterCodingException e) {
            int idx = firstUnpairedSurrogate(json);
            byte[] prefix = json.substring(0, Math.max(idx, 0)).getBytes(StandardCharsets.UTF_8);
            throw new JsonFormatException("input string contains an unpaired surrogate at char"
                    + " index " + idx, prefix.length);
        }
        return parse(utf8, maxBytes);
    }

    /** Parses a document whose top-level value must be an object. */
    public static Map<String, Object> parseObject(byte[] utf8) {
        return asObject(parse(utf8), "top-level value");
    }

    /** Parses a document whose top-level value must be an object. */
    public static Map<String, Object> parseObject(String json) {
        return asObject(parse(json), "top-level value");
    }

    private static int firstUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ typed accessors

    /** Required string member. */
    public static String string(Map<String, ?> obj, String key) {
        return typed(obj, key, String.class, "a string");
    }

    /** Optional string member: empty if absent or {@code null}. */
    public static Optional<String> optString(Map<String, ?> obj, String key) {
        return Optional.ofNullable(optTyped(obj, key, String.class, "a string"));
    }

    /**
     * Required integer member that fits in a {@code long}. Accepts {@code Long}, {@code Integer},
     * {@code Short}, {@code Byte} and in-range {@code BigInteger}; a number with a fraction or
     * exponent (a {@code BigDecimal}, even {@code 1.0}) is a type error.
     */
    public static long integer(Map<String, ?> obj, String key) {
        return toLong(key, require(obj, key, "an integer"));
    }

    /** Optional integer member: empty if absent or {@code null}. */
    public static OptionalLong optInteger(Map<String, ?> obj, String key) {
        Object v = obj.get(key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(toLong(key, v));
    }

    /** Required boolean member. */
    public static boolean bool(Map<String, ?> obj, String key) {
        return typed(obj, key, Boolean.class, "a boolean");
    }

    /** Optional boolean member: empty if absent or {@code null}. */
    public static Optional<Boolean> optBool(Map<String, ?> obj, String key) {
        return Optional.ofNullable(optTyped(obj, key, Boolean.class, "a boolean"));
    }

    /** Required object member. */
    public static Map<String, Object> object(Map<String, ?> obj, String key) {
        return asObject(require(obj, key, "an object"), "field " + CanonicalJson.quote(key));
    }

    /** Optional object member: empty if absent or {@code null}. */
    public static Optional<Map<String, Object>> optObject(Map<String, ?> obj, String key) {
        Object v = obj.get(key);
        return v == null ? Optional.empty()
                : Optional.of(asObject(v, "field " + CanonicalJson.quote(key)));
    }

    /** Required array member. */
    public static List<Object> array(Map<String, ?> obj, String key) {
        return asArray(require(obj, key, "an array"), "field " + CanonicalJson.quote(key));
    }

    /** Optional array member: empty if absent or {@code null}. */
    public static Optional<List<Object>> optArray(Map<String, ?> obj, String key) {
        Object v = obj.get(key);
        return v == null ? Optional.empty()
                : Optional.of(asArray(v, "field " + CanonicalJson.quote(key)));
    }

    /**
     * Casts a parsed value to an object; {@code what} names it in the error (e.g. {@code
     * "top-level value"} or {@code "labels[3]"}).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new JsonFormatException(what + " must be an object but was " + typeName(value));
    }

    /** Casts a parsed value to an array; {@code what} names it in the error. */
    @SuppressWarnings("unchecked")
    public static List<Object> asArray(Object value, String what) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new JsonFormatException(what + " must be an array but was " + typeName(value));
    }

    /** JSON type name of a value-model object, for messages: object, array, string, ... */
    public static String typeName(Object v) {
        return switch (v) {
            case null -> "null";
            case Map<?, ?> m -> "object";
            case List<?> l -> "array";
            case String s -> "string";
            case Boolean b -> "boolean";
            case Long l -> "integer";
            case Integer i -> "integer";
            case Short s -> "integer";
            case Byte b -> "integer";
            case BigInteger b -> "integer";
            case Number n -> "number";
            default -> v.getClass().getName();
        };
    }

    private static Object require(Map<String, ?> obj, String key, String expected) {
        Object v = obj.get(key);
        if (v == null) {
            throw new JsonFormatException("field " + CanonicalJson.quote(key) + " must be "
                    + expected + " but was " + (obj.containsKey(key) ? "null" : "missing"));
        }
        return v;
    }

    private static <T> T typed(Map<String, ?> obj, String key, Class<T> type, String expected) {
        Object v = require(obj, key, expected);
        return cast(key, v, type, expected);
    }

    private static <T> T optTyped(Map<String, ?> obj, String key, Class<T> type, String expected) {
        Object v = obj.get(key);
        return v == null ? null : cast(key, v, type, expected);
    }

    private static <T> T cast(String key, Object v, Class<T> type, String expected) {
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        throw new JsonFormatException("field " + CanonicalJson.quote(key) + " must be " + expected
                + " but was " + typeName(v));
    }

    private static long toLong(String key, Object v) {
        switch (v) {
            case Long l -> { return l; }
            case Integer i -> { return i; }
            case Short s -> { return s; }
            case Byte b -> { return b; }
            case BigInteger bi when bi.bitLength() < 64 -> { return bi.longValue(); }
            case BigInteger bi -> throw new JsonFormatException("field " + CanonicalJson.quote(key)
                    + " integer " + bi + " does not fit in 64 bits");
            default -> throw new JsonFormatException("field " + CanonicalJson.quote(key)
                    + " must be an integer but was " + typeName(v));
        }
    }

    // ------------------------------------------------------------------ parser

    private static final class Parser {
        private final byte[] in;
        private int pos;

        Parser(byte[] in) {
            this.in = in;
        }

        Object document() {
            skipWs();
            Object v = value(0);
            skipWs();
            if (pos != in.length) {
                throw err("trailing data after the JSON value");
            }
            return v;
        }

        private Object value(int depth) {
            if (pos >= in.length) {
                throw err("unexpected end of input, expected a value");
            }
            int b = in[pos] & 0xff;
            return switch (b) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (b == '-' || (b >= '0' && b <= '9')) {
                        yield number();
                    }
                    throw err("unexpected " + describe(b) + ", expected a value");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            checkDepth(depth);
            pos++; // '{'
            LinkedHashMap<String, Object> map = new LinkedHashMap<>();
            skipWs();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                if (peek() != '"') {
                    if (peek() == '}' && !map.isEmpty()) {
                        throw err("trailing comma in object");
                    }
                    throw err(pos >= in.length ? "unexpected end of input, expected a string key"
                            : "expected a string key but found " + describe(peek()));
                }
                int keyOffset = pos;
                String key = string();
                if (map.containsKey(key)) {
                    throw new JsonFormatException(
                            "duplicate key " + CanonicalJson.quote(key), keyOffset);
                }
                skipWs();
                expect(':', "':' after object key");
                skipWs();
                map.put(key, value(depth));
                skipWs();
                int c = peek();
                if (c == ',') {
                    pos++;
                    skipWs();
                } else if (c == '}') {
                    pos++;
                    return map;
                } else {
                    throw err(c < 0 ? "unexpected end of input in object"
                            : "expected ',' or '}' in object but found " + describe(c));
                }
            }
        }

        private List<Object> array(int depth) {
            checkDepth(depth);
            pos++; // '['
            ArrayList<Object> list = new ArrayList<>();
            skipWs();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                if (peek() == ']') {
                    throw err("trailing comma in array");
                }
                list.add(value(depth));
                skipWs();
                int c = peek();
                if (c == ',') {
                    pos++;
                    skipWs();
                } else if (c == ']') {
                    pos++;
                    return list;
                } else {
                    throw err(c < 0 ? "unexpected end of input in array"
                            : "expected ',' or ']' in array but found " + describe(c));
                }
            }
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw err("nesting deeper than " + MAX_DEPTH);
            }
        }

        private Object literal(String word, Object result) {
            int n = word.length();
            for (int i = 0; i < n; i++) {
                if (pos + i >= in.length || in[pos + i] != word.charAt(i)) {
                    throw err("invalid literal, expected '" + word + "'");
                }
            }
            pos += n;
            return result;
        }

        private Object number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            int c = peek();
            if (c == '0') {
                pos++;
                if (isDigit(peek())) {
                    throw new JsonFormatException("leading zero in number", start);
                }
            } else if (c >= '1' && c <= '9') {
                digits();
            } else {
                throw err("expected a digit in number");
            }
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw err("expected a digit after the decimal point");
                }
                digits();
            }
            c = peek();
            if (c == 'e' || c == 'E') {
                integral = false;
                pos++;
                c = peek();
                if (c == '+' || c == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw err("expected a digit in exponent");
                }
                digits();
            }
            String text = new String(in, start, pos - start, StandardCharsets.US_ASCII);
            try {
                if (integral) {
                    if (pos - start <= 18) {
                        return Long.parseLong(text);
                    }
                    BigInteger bi = new BigInteger(text);
                    return bi.bitLength() < 64 ? (Object) bi.longValue() : bi;
                }
                return new BigDecimal(text);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new JsonFormatException("number out of range", start);
            }
        }

        private void digits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        private String string() {
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= in.length) {
                    throw err("unterminated string");
                }
                int b = in[pos] & 0xff;
                if (b == '"') {
                    pos++;
                    return sb.toString();
                } else if (b == '\\') {
                    escape(sb);
                } else if (b < 0x20) {
                    throw err(String.format("unescaped control character U+%04X in string", b));
                } else if (b < 0x80) {
                    sb.append((char) b);
                    pos++;
                } else {
                    sb.appendCodePoint(utf8(b));
                }
            }
        }

        private void escape(StringBuilder sb) {
            int start = pos;
            pos++; // backslash
            int c = peek();
            switch (c) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    pos++;
                    char u = hex4(start);
                    if (Character.isHighSurrogate(u)) {
                        if (pos + 1 < in.length && in[pos] == '\\' && in[pos + 1] == 'u') {
                            int lowStart = pos;
                            pos += 2;
                            char low = hex4(lowStart);
                            if (Character.isLowSurrogate(low)) {
                                sb.append(u).append(low);
                                return;
                            }
                        }
                        throw new JsonFormatException(String.format(
                                "unpaired surrogate escape \\u%04x in string", (int) u), start);
                    }
                    if (Character.isLowSurrogate(u)) {
                        throw new JsonFormatException(String.format(
                                "unpaired surrogate escape \\u%04x in string", (int) u), start);
                    }
                    sb.append(u);
                    return; // hex4 advanced pos
                }
                default -> throw new JsonFormatException(c < 0 ? "unterminated escape in string"
                        : "invalid escape '\\" + printable(c) + "' in string", start);
            }
            pos++;
        }

        private char hex4(int escapeStart) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int c = peek();
                int d;
                if (c >= '0' && c <= '9') {
                    d = c - '0';
                } else if (c >= 'a' && c <= 'f') {
                    d = c - 'a' + 10;
                } else if (c >= 'A' && c <= 'F') {
                    d = c - 'A' + 10;
                } else {
                    throw new JsonFormatException(
                            "invalid \\u escape: expected 4 hex digits", escapeStart);
                }
                v = (v << 4) | d;
                pos++;
            }
            return (char) v;
        }

        /** Decodes one strictly well-formed UTF-8 sequence starting with lead byte {@code b}. */
        private int utf8(int b) {
            int start = pos;
            int n;
            int cp;
            int lo = 0x80;
            int hi = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                n = 1;
                cp = b & 0x1f;
            } else if (b >= 0xe0 && b <= 0xef) {
                n = 2;
                cp = b & 0x0f;
                if (b == 0xe0) {
                    lo = 0xa0; // no overlong forms
                } else if (b == 0xed) {
                    hi = 0x9f; // no UTF-8-encoded surrogates
                }
            } else if (b >= 0xf0 && b <= 0xf4) {
                n = 3;
                cp = b & 0x07;
                if (b == 0xf0) {
                    lo = 0x90; // no overlong forms
                } else if (b == 0xf4) {
                    hi = 0x8f; // nothing above U+10FFFF
                }
            } else {
                throw err(String.format("invalid UTF-8 lead byte 0x%02x", b));
            }
            pos++;
            for (int i = 0; i < n; i++) {
                int c = pos < in.length ? in[pos] & 0xff : -1;
                if (c < lo || c > hi) {
                    throw new JsonFormatException("invalid UTF-8 sequence", start);
                }
                lo = 0x80;
                hi = 0xbf;
                cp = (cp << 6) | (c & 0x3f);
                pos++;
            }
            return cp;
        }

        private void expect(char c, String what) {
            int got = peek();
            if (got != c) {
                throw err("expected " + what + " but found "
                        + (got < 0 ? "end of input" : describe(got)));
            }
            pos++;
        }

        private int peek() {
            return pos < in.length ? in[pos] & 0xff : -1;
        }

        private void skipWs() {
            while (pos < in.length) {
                byte b = in[pos];
                if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                    pos++;
                } else {
                    return;
                }
            }
        }

        private static String describe(int b) {
            if (b < 0) {
                return "end of input";
            }
            if (b >= 0x21 && b < 0x7f) {
                return "'" + (char) b + "'";
            }
            return String.format("byte 0x%02x", b);
        }

        private static String printable(int b) {
            return b >= 0x21 && b < 0x7f ? String.valueOf((char) b) : String.format("<0x%02x>", b);
        }

        private JsonFormatException err(String description) {
            return new JsonFormatException(description, pos);
        }
    }
}
