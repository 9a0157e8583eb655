package dev.sealer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.format.OmsStatement;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model directory hashed as OMS v1.0 does (docs/formats.md §2.1): the vector shared with the Python client, the ignore
 * and symbolic-link rules, and the comparison that names changed, added and removed files.
 */
class ModelDirectoryTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    @Test
    void sharedVector_directoryHashesToTheExpectedStatementCanonicalBytesAndDigest() throws Exception {
        Map<String, Object> v;
        try (InputStream in = getClass().getResourceAsStream("/vectors/oms-hashing.json")) {
            v = Json.parseObject(in.readAllBytes());
        }
        Path dir = tmp.resolve(Json.string(v, "model_name"));
        for (Map.Entry<String, Object> f : Json.object(v, "files").entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, (String) f.getValue(), StandardCharsets.UTF_8);
        }
        List<String> ignore = new ArrayList<>((List<String>) (List<?>) Json.array(v, "ignore"));
        ignore.add("model.sig");
        OmsStatement s = ModelDirectory.hash(dir, ignore, false);
        assertEquals(Json.string(v, "canonical"), new String(s.canonicalBytes(), StandardCharsets.US_ASCII));
        assertEquals(Json.string(v, "canonical_sha256"), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.canonicalBytes())));
        assertEquals(CanonicalJson.writeString(Json.object(v, "statement")), CanonicalJson.writeString(s.toJsonValue()));
        // and it reads back as the same statement
        assertEquals(CanonicalJson.writeString(s.toJsonValue()), CanonicalJson.writeString(OmsStatement.parse(s.canonicalBytes()).toJsonValue()));
    }

    @Test
    void compare_namesChangedAddedAndRemovedFiles_andIgnoresGitPaths() throws IOException {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir.resolve("w"));
        Files.writeString(dir.resolve("a.txt"), "a");
        Files.writeString(dir.resolve("w/b.bin"), "b");
        Files.writeString(dir.resolve("c.txt"), "c");
        OmsStatement s = ModelDirectory.hash(dir, List.of(), false);
        assertEquals(List.of(".git", ".gitattributes", ".github", ".gitignore"), s.ignorePaths());
        assertTrue(ModelDirectory.compare(s, dir).matches());
        Files.writeString(dir.resolve("a.txt"), "A");
        Files.writeString(dir.resolve("w/new.bin"), "n");
        Files.delete(dir.resolve("c.txt"));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/HEAD"), "x");
        ModelDirectory.Comparison c = ModelDirectory.compare(s, dir);
        assertEquals(List.of("a.txt"), c.changed());
        assertEquals(List.of("w/new.bin"), c.added());
        assertEquals(List.of("c.txt"), c.removed());
    }

    @Test
    void symbolicLinks_refusedUnlessAllowed_thenTheTargetIsHashed_andLinksToDirectoriesAlwaysRefused() throws IOException {
        Path dir = tmp.resolve("links");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("target.bin"), "payload");
        Files.createSymbolicLink(dir.resolve("link.bin"), dir.resolve("target.bin"));
        ModelDirectory.HashingException refused = assertThrows(ModelDirectory.HashingException.class, () -> ModelDirectory.hash(dir, List.of(), false));
        assertTrue(refused.getMessage().contains("'link.bin' is a symbolic link"), refused.getMessage());
        OmsStatement s = ModelDirectory.hash(dir, List.of(), true);
        assertArrayEquals(s.resources().get(0).sha256(), s.resources().get(1).sha256(), "the link hashes as its target");
        assertTrue(s.allowSymlinks());
        Files.createSymbolicLink(dir.resolve("dirlink"), dir.resolve("sub"));
        assertThrows(ModelDirectory.HashingException.class, () -> ModelDirectory.hash(dir, List.of(), true));
        assertEquals(2, ModelDirectory.hash(dir, List.of("dirlink"), true).resources().size(), "an ignored link is no error");
    }

}
