package dev.sealer.core.lineage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealer.core.seal.Stage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The manifest of docs/lineage.md's worked example, as data (vectors/lineage, written by Python's
 * {@code json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True)}): the Java manifest writer produces exactly
 * those bytes from the nodes (given here out of order), and their SHA-256 is the digest the meta-seal's receipt carries.
 */
class LineageManifestVectorTest {
    static UUID id(int n) {
        return UUID.fromString(String.format("00000000-0000-7000-8000-%012d", n));
    }

    static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] resource(String name) throws Exception {
        try (InputStream in = LineageManifestVectorTest.class.getResourceAsStream("/vectors/lineage/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void manifest_ofTheDocumentedExample_isByteForByteTheVector_andItsDigestIsTheReceiptDigest() throws Exception {
        LineageManifest m = new LineageManifest("model:fraud-detector@2.3.0", LineageCheckTest.DEFAULT,
                List.of(new LineageNode(id(4), Stage.DEPLOYMENT, List.of(id(3)), sha256("deployment")),
                        new LineageNode(id(2), Stage.TRAINING, List.of(id(1)), sha256("training")),
                        new LineageNode(id(3), Stage.EVALUATION, List.of(id(2)), sha256("evaluation"))),
                List.of(new LineageNode(id(1), Stage.DATA_COLLECTION, List.of(), sha256("dataset"))));
        byte[] expected = resource("manifest-default.json");
        assertEquals(new String(expected, StandardCharsets.US_ASCII), new String(m.toBytes(), StandardCharsets.US_ASCII));
        assertArrayEquals(expected, m.toBytes());
        assertEquals(new String(resource("manifest-default.sha256"), StandardCharsets.US_ASCII).trim(), m.digest().hex());
        assertArrayEquals(expected, LineageManifest.parse(expected).toBytes());
        assertEquals(java.util.Optional.empty(), LineageCheck.check(m.bound(), m.externalRoots(), m.policy()), "the example satisfies its policy");
        assertEquals("9439d798cf1d9e1b7b45661043b63f37b1b0a90b723d37f796bccb9a6dc2778f", HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(expected)), "the digest docs/lineage.md quotes");
    }
}
