package dev.sealer.core.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Typed access to Wycheproof vector files, parsed with the production JSON reader. */
final class TestJson {
    private TestJson() {
    }

    /** Parses with the production parser ({@link dev.sealer.core.json.Json}); vector files exceed its 1 MiB default. */
    static Object parse(String json) {
        return dev.sealer.core.json.Json.parse(json, 64 << 20);
    }

    /** Loads {@code /vectors/wycheproof/<name>} from the test classpath. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> vectors(String name) {
        String path = "/vectors/wycheproof/" + name;
        try (InputStream in = TestJson.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return (Map<String, Object>) parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> obj, String key) {
        return (List<Map<String, Object>>) obj.get(key);
    }

    static byte[] hex(Map<String, Object> obj, String key) {
        Object v = obj.get(key);
        return v == null ? null : HexFormat.of().parseHex((String) v);
    }

    static String str(Map<String, Object> obj, String key) {
        return (String) obj.get(key);
    }

    static int integer(Map<String, Object> obj, String key) {
        return ((Number) obj.get(key)).intValue();
    }

    @SuppressWarnings("unchecked")
    static List<String> flags(Map<String, Object> testCase) {
        Object f = testCase.get("flags");
        return f == null ? List.of() : (List<String>) f;
    }
}
