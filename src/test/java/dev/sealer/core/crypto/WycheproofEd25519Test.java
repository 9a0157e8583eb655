package dev.sealer.core.crypto;

import static dev.sealer.core.crypto.TestJson.hex;
import static dev.sealer.core.crypto.TestJson.integer;
import static dev.sealer.core.crypto.TestJson.list;
import static dev.sealer.core.crypto.TestJson.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wycheproof {@code ed25519_test.json} (EddsaVerify) through {@link SignatureVerifier}. */
class WycheproofEd25519Test {

    @Test
    void verify_everyWycheproofCase_validAcceptedInvalidRejected() {
        Map<String, Object> file = TestJson.vectors("ed25519_test.json");
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (Map<String, Object> group : list(file, "testGroups")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> key = (Map<String, Object>) group.get("publicKey");
            byte[] pk = hex(key, "pk");
            byte[] fromDer = PublicKeyCodec.fromDer(SignatureAlgorithm.ED25519, hex(group, "publicKeyDer"));
            if (!java.util.Arrays.equals(pk, fromDer)) {
                failures.add("group publicKeyDer does not decode to pk " + key.get("pk"));
            }
            for (Map<String, Object> tc : list(group, "tests")) {
                cases++;
                boolean expected = "valid".equals(str(tc, "result"));
                boolean actual = SignatureVerifier.verify(SignatureAlgorithm.ED25519, pk, hex(tc, "msg"), hex(tc, "sig"));
                if (expected != actual) {
                    failures.add("tcId " + integer(tc, "tcId") + " (" + str(tc, "comment") + ", " + TestJson.flags(tc)
                            + "): expected " + expected + " got " + actual);
                }
            }
        }
        assertEquals(151, cases, "number of Ed25519 cases");
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
    }

    @Test
    void signingKey_rfc8032Test1_matchesPublicKeyAndSignature() {
        // RFC 8032 §7.1 TEST 1 (empty message)
        byte[] seed = java.util.HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        try (SecretBytes s = SecretBytes.wrap(seed)) {
            SigningKey key = SigningKey.fromSeed(SignatureAlgorithm.ED25519, s);
            assertArrayEquals(java.util.HexFormat.of().parseHex(
                    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), key.publicKey());
            assertArrayEquals(java.util.HexFormat.of().parseHex(
                    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
                    key.sign(new byte[0]));
        }
    }
}
