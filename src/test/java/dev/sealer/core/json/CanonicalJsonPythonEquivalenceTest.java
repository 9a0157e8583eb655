package dev.sealer.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Output equals Python's {@code json.dumps(v, sort_keys=True, separators=(",",":"),
 * ensure_ascii=True)}, using vectors generated once by {@code gen_python_vectors.py} with
 * /usr/bin/python3 (3.11) and stored in {@code python-ensure-ascii-vectors.tsv}.
 */
class CanonicalJsonPythonEquivalenceTest {

    /**
     * Cases where RFC 8785 key order (UTF-16 code units) and Python's sort_keys order (code
     * points) differ: a supplementary character against a BMP character in U+E000..U+FFFF.
     */
    private static final Set<String> KNOWN_KEY_ORDER_DIVERGENCES = Set.of(
            "rfc8785_3_2_3_sorting_example",
            "divergent_supplementary_vs_private_use",
            "divergent_nested");

    record Vector(String name, String kind, byte[] input, String python, String jcs) {
        Object value() {
            return switch (kind) {
                case "string" -> new String(input, StandardCharsets.UTF_8);
                case "doc" -> Json.parse(input);
                default -> throw new IllegalStateException(kind);
            };
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> vectors() {
        try (InputStream in = CanonicalJsonPythonEquivalenceTest.class
                .getResourceAsStream("python-ensure-ascii-vectors.tsv")) {
            List<Vector> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                out.add(new Vector(f[0], f[1], HexFormat.of().parseHex(f[2]), f[3], f[4]));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Vector> stringVectors() {
        return vectors().stream().filter(v -> v.kind().equals("string"));
    }

    static Stream<Vector> pythonEquivalentVectors() {
        return vectors().stream().filter(v -> !KNOWN_KEY_ORDER_DIVERGENCES.contains(v.name()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stringVectors")
    void trickyStringsEscapeExactlyLikePythonEnsureAscii(Vector v) {
        assertEquals(v.python(), CanonicalJson.writeString(v.value()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythonEquivalentVectors")
    void outputEqualsPythonJsonDumpsSortKeysEnsureAscii(Vector v) {
        assertEquals(v.python(), CanonicalJson.writeString(v.value()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void outputEqualsRfc8785Utf16KeyOrderForEveryVector(Vector v) {
        assertEquals(v.jcs(), CanonicalJson.writeString(v.value()));
    }

    @Test
    void pythonDivergesOnlyOnSupplementaryVersusHighBmpKeyOrder() {
        List<Vector> all = vectors();
        assertTrue(all.size() >= 40, "vector file looks truncated: " + all.size());
        Set<String> divergent = all.stream().filter(v -> !v.python().equals(v.jcs()))
                .map(Vector::name).collect(Collectors.toSet());
        assertEquals(KNOWN_KEY_ORDER_DIVERGENCES, divergent);
        for (Vector v : all) {
            if (divergent.contains(v.name())) {
                assertNotEquals(v.python(), CanonicalJson.writeString(v.value()), v.name());
            }
        }
    }
}
