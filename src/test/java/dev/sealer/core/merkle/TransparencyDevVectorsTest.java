package dev.sealer.core.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs every transparency-dev/merkle test vector (src/test/resources/vectors/merkle, see its
 * NOTICE) through {@link MerkleVerifier}: happy paths must verify, every tampered case
 * (wantErr true) must fail. All mismatches are collected and reported together.
 */
class TransparencyDevVectorsTest {

    private static final Path ROOT = resource("/vectors/merkle/testdata");

    @Test
    void everyInclusionVectorHasTheExpectedOutcome() throws IOException {
        List<Path> files = jsonFiles(ROOT.resolve("inclusion"));
        List<String> failures = new ArrayList<>();
        int happy = 0;
        for (Path f : files) {
            Map<String, Object> v = read(f);
            boolean wantErr = (Boolean) v.get("wantErr");
            happy += wantErr ? 0 : 1;
            Throwable err = attempt(() -> MerkleVerifier.verifyInclusion(
                    num(v, "leafIdx"), num(v, "treeSize"), b64(v, "leafHash"), proof(v), b64(v, "root")));
            check(f, wantErr, err, failures);
        }
        assertEquals(98, files.size(), "inclusion vector files");
        assertTrue(happy >= 5, "expected several happy paths, got " + happy);
        assertEquals(List.of(), failures);
    }

    @Test
    void everyConsistencyVectorHasTheExpectedOutcome() throws IOException {
        List<Path> files = jsonFiles(ROOT.resolve("consistency"));
        List<String> failures = new ArrayList<>();
        int happy = 0;
        for (Path f : files) {
            Map<String, Object> v = read(f);
            boolean wantErr = (Boolean) v.get("wantErr");
            happy += wantErr ? 0 : 1;
            Throwable err = attempt(() -> MerkleVerifier.verifyConsistency(
                    num(v, "size1"), num(v, "size2"), proof(v), b64(v, "root1"), b64(v, "root2")));
            check(f, wantErr, err, failures);
        }
        assertEquals(98, files.size(), "consistency vector files");
        assertTrue(happy >= 5, "expected several happy paths, got " + happy);
        assertEquals(List.of(), failures);
    }

    private static void check(Path f, boolean wantErr, Throwable err, List<String> failures) {
        String name = ROOT.relativize(f).toString();
        if (wantErr && err == null) {
            failures.add(name + ": tampered case verified");
        } else if (!wantErr && err != null) {
            failures.add(name + ": happy path failed: " + err);
        } else if (err != null && !(err instanceof MerkleProofException)) {
            failures.add(name + ": failed with " + err + " instead of MerkleProofException");
        }
    }

    private static Throwable attempt(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path f) throws IOException {
        return (Map<String, Object>) dev.sealer.core.json.Json.parse(Files.readString(f, StandardCharsets.UTF_8));
    }

    private static long num(Map<String, Object> v, String key) {
        return ((Number) v.get(key)).longValue(); // 2^64-1 (Go's uint64) arrives as BigInteger and wraps to -1, as in Go's int64 view
    }

    private static byte[] b64(Map<String, Object> v, String key) {
        return Base64.getDecoder().decode((String) v.get(key));
    }

    @SuppressWarnings("unchecked")
    private static List<byte[]> proof(Map<String, Object> v) {
        List<Object> raw = (List<Object>) v.get("proof"); // null means an empty proof
        return raw == null ? List.of()
                : raw.stream().map(o -> Base64.getDecoder().decode((String) o)).toList();
    }

    private static Path resource(String name) {
        try {
            return Path.of(TransparencyDevVectorsTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
