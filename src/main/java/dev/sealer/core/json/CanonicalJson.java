package dev.sealer.core.json;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON serializer: RFC 8785 (JCS) restricted to Sealer's value model, with ASCII-only
 * output (DESIGN.md §4).
 *
 * <h2>Value model</h2>
 *
 * <ul>
 *   <li>{@code Map<String, ?>} → object. Members are sorted by their keys compared as sequences of
 *       UTF-16 code units ({@link String#compareTo}), as RFC 8785 §3.2.3 requires. Keys that are
 *       not {@code String} (including {@code null}) are rejected.
 *   <li>{@code List<?>} → array, in list order.
 *   <li>{@code String} → string (see escaping below).
 *   <li>{@code Long}, {@code Integer}, {@code Short}, {@code Byte}, {@code BigInteger} → plain
 *       decimal integer. Magnitudes above 2<sup>53</sup>−1 are rejected: RFC 8785 numbers are
 *       IEEE-754 doubles (I-JSON), which cannot represent them exactly.
 *   <li>{@code Boolean} → {@code true}/{@code false}; Java {@code null} → {@code null}.
 *   <li>Anything else — notably {@code Double}, {@code Float}, {@code BigDecimal} — is rejected.
 * </ul>
 *
 * <h2>Strings</h2>
 *
 * {@code "} and {@code \} are backslash-escaped; U+0008, U+0009, U+000A, U+000C, U+000D use the
 * short forms {@code \b \t \n \f \r}; every other code unit outside printable ASCII
 * (U+0020..U+007E) is written as {@code \}{@code u}<i>xxxx</i> with lowercase hex, supplementary
 * characters as two escapes (their UTF-16 surrogate pair). Strings containing an unpaired
 * surrogate are rejected. Output is therefore pure ASCII.
 *
 * <h2>Relation to RFC 8785 and to Python's {@code json.dumps}</h2>
 *
 * The output is byte-identical to Python's {@code json.dumps(v, sort_keys=True,
 * separators=(",", ":"), ensure_ascii=True)} for every accepted value, <b>except</b> member order
 * when two keys first differ at a position where one has a supplementary character (U+10000 and
 * above) and the other a BMP character in U+E000..U+FFFF: RFC 8785 (and this class) compares
 * UTF-16 code units, so the supplementary character (high surrogate 0xD800..0xDBFF) sorts first,
 * whereas Python compares code points and puts it last. The RFC's own §3.2.3 example (U+1F600 vs
 * U+FB33) hits exactly this case.
 *
 * <p>Departures from strict RFC 8785 (both required for the Python equivalence): non-ASCII
 * characters are {@code \}{@code u}-escaped instead of emitted as raw UTF-8, and U+007F (DEL) is
 * escaped as {@code \}{@code u007f} (Python escapes everything outside U+0020..U+007E). The
 * result is still valid JSON that any RFC 8785 implementation parses to the same value.
 *
 * <p>Containers may nest at most {@value #MAX_DEPTH} deep (the same limit as {@link Json#parse}),
 * which also turns self-referencing structures into an {@link IllegalArgumentException} instead of
 * a {@link StackOverflowError}.
 *
 * <p>All rejections throw {@link IllegalArgumentException} whose message names the offending type
 * or value and its location as a path such as {@code $.labels["a b"][2]}.
 */
public final class CanonicalJson {

    /** Largest integer magnitude that can be written: 2<sup>53</sup> − 1. */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    /** Maximum container nesting depth; equals {@link Json#MAX_DEPTH}. */
    public static final int MAX_DEPTH = Json.MAX_DEPTH;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {}

    /** Canonical JSON of {@code value} as bytes (pure ASCII, hence also valid UTF-8). */
    public static byte[] write(Object value) {
        return writeString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** Canonical JSON of {@code value} as a string (pure ASCII). */
    public static String writeString(Object value) {
        Writer w = new Writer();
        w.value(value, 0);
        return w.out.toString();
    }

    /**
     * Writes one object whose members the caller emits in canonical key order, for hot paths with
     * a fixed schema (the receipt): no map is built and nothing is sorted. Keys must come in
     * strictly increasing {@link String#compareTo} order (checked), so the output equals
     * {@link #write(Object)} of the same members.
     */
    public static final class Fields {
        private final Writer w = new Writer();
        private String lastKey;

        public Fields() {
            w.out.append('{');
        }

        public Fields string(String key, String value) {
            key(key);
            w.string(value);
            return this;
        }

        public Fields integer(String key, long value) {
            key(key);
            w.integer(value);
            return this;
        }

        /** A member whose value is written by the general rules (maps are sorted). */
        public Fields value(String key, Object value) {
            key(key);
            w.value(value, 1);
            return this;
        }

        /** A member whose value is an object of string members already in canonical key order (e.g. a {@code TreeMap<String, String>}). */
        public Fields sortedStrings(String key, java.util.SortedMap<String, String> members) {
            if (members.comparator() != null) {
                return value(key, members);
            }
            key(key);
            w.out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : members.entrySet()) {
                if (!first) {
                    w.out.append(',');
                }
                first = false;
                w.string(e.getKey());
                w.out.append(':');
                w.string(e.getValue());
            }
            w.out.append('}');
            return this;
        }

        private void key(String key) {
            if (lastKey != null) {
                if (key.compareTo(lastKey) <= 0) {
                    throw new IllegalArgumentException("member '" + key + "' written after '" + lastKey + "': not in canonical order");
                }
                w.out.append(',');
            }
            lastKey = key;
            w.string(key);
            w.out.append(':');
        }

        /** The object, closed, as ASCII bytes. */
        public byte[] bytes() {
            w.out.append('}');
            return w.out.toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final class Writer {
        final StringBuilder out = new StringBuilder(1024);
        /** Path of map keys (String) and list indices (Integer) down to the current value. */
        final List<Object> path = new ArrayList<>();

        void value(Object v, int depth) {
            switch (v) {
                case null -> out.append("null");
                case String s -> string(s);
                case Boolean b -> out.append(b ? "true" : "false");
                case Long l -> integer(l);
                case Integer i -> integer(i);
                case Short s -> integer(s);
                case Byte b -> integer(b);
                case BigInteger bi -> {
                    if (bi.bitLength() > 53) {
                        throw fail("integer " + bi + " is outside ±(2^53-1) and cannot be"
                                + " represented exactly by RFC 8785/I-JSON");
                    }
                    integer(bi.longValue());
                }
                case Map<?, ?> m -> object(m, depth + 1);
                case List<?> l -> array(l, depth + 1);
                default -> throw fail("unsupported type " + v.getClass().getName()
                        + (v instanceof Number
                                ? " (only integers are allowed: Long, Integer, Short, Byte,"
                                        + " BigInteger; no floating point or BigDecimal)"
                                : ""));
            }
        }

        void integer(long v) {
            if (v > MAX_SAFE_INTEGER || v < -MAX_SAFE_INTEGER) {
                throw fail("integer " + v + " is outside ±(2^53-1) and cannot be represented"
                        + " exactly by RFC 8785/I-JSON");
            }
            out.append(v);
        }

        void object(Map<?, ?> m, int depth) {
            checkDepth(depth);
            int n = m.size();
            @SuppressWarnings("unchecked")
            Map.Entry<String, ?>[] entries = new Map.Entry[n];
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (i == n) {
                    throw fail("map " + m.getClass().getName() + " changed while being written");
                }
                Object k = e.getKey();
                if (!(k instanceof String)) {
                    throw fail("map key must be a String but was "
                            + (k == null ? "null" : k.getClass().getName() + " " + k));
                }
                @SuppressWarnings("unchecked")
                Map.Entry<String, ?> typed = (Map.Entry<String, ?>) e;
                entries[i++] = typed;
            }
            if (i != n) {
                throw fail("map " + m.getClass().getName() + " changed while being written");
            }
            // String.compareTo compares UTF-16 code units: exactly RFC 8785 §3.2.3.
            Arrays.sort(entries, (a, b) -> a.getKey().compareTo(b.getKey()));
            out.append('{');
            for (i = 0; i < n; i++) {
                String key = entries[i].getKey();
                if (i > 0) {
                    if (key.equals(entries[i - 1].getKey())) {
                        // Only possible with identity-based maps such as IdentityHashMap.
                        throw fail("duplicate map key " + quote(key));
                    }
                    out.append(',');
                }
                path.add(key);
                string(key);
                out.append(':');
                value(entries[i].getValue(), depth);
                path.removeLast();
            }
            out.append('}');
        }

        void array(List<?> l, int depth) {
            checkDepth(depth);
            out.append('[');
            int i = 0;
            for (Object e : l) {
                if (i > 0) {
                    out.append(',');
                }
                path.add(i);
                value(e, depth);
                path.removeLast();
                i++;
            }
            out.append(']');
        }

        void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw fail("nesting deeper than " + MAX_DEPTH
                        + " (or a container that contains itself)");
            }
        }

        void string(String s) {
            out.append('"');
            int len = s.length();
            int run = 0; // start of the pending run of characters that need no escape: appended in one go
            for (int i = 0; i < len; i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                    continue;
                }
                out.append(s, run, i);
                run = i + 1;
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                    continue;
                }
                switch (c) {
                    case '\b' -> out.append("\\b");
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\f' -> out.append("\\f");
                    case '\r' -> out.append("\\r");
                    default -> {
                        if (Character.isHighSurrogate(c)) {
                            if (i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                                unicodeEscape(c);
                                unicodeEscape(s.charAt(++i));
                                run = i + 1;
                                continue;
                            }
                            throw unpaired(c, i);
                        }
                        if (Character.isLowSurrogate(c)) {
                            throw unpaired(c, i);
                        }
                        unicodeEscape(c);
                    }
                }
            }
            out.append(s, run, len);
            out.append('"');
        }

        void unicodeEscape(char c) {
            out.append('\\').append('u')
                    .append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                    .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
        }

        IllegalArgumentException unpaired(char c, int index) {
            return fail(String.format("string contains an unpaired surrogate U+%04X at char"
                    + " index %d", (int) c, index));
        }

        IllegalArgumentException fail(String what) {
            return new IllegalArgumentException("cannot write canonical JSON: " + what
                    + " at " + pathString());
        }

        String pathString() {
            StringBuilder sb = new StringBuilder("$");
            for (Object p : path) {
                if (p instanceof Integer idx) {
                    sb.append('[').append(idx).append(']');
                } else {
                    String k = (String) p;
                    if (isIdentifier(k)) {
                        sb.append('.').append(k);
                    } else {
                        sb.append('[').append(quote(k)).append(']');
                    }
                }
            }
            return sb.toString();
        }
    }

    private static boolean isIdentifier(String k) {
        if (k.isEmpty() || k.length() > 64) {
            return false;
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * A JSON-quoted, ASCII-safe rendering of {@code s} for error messages (lone surrogates are
     * escaped rather than rejected, long strings truncated).
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 80) + 2).append('"');
        int limit = Math.min(s.length(), 64);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        if (s.length() > limit) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
