package dev.sealer.core.crypto;

import static dev.sealer.core.crypto.TestJson.flags;
import static dev.sealer.core.crypto.TestJson.hex;
import static dev.sealer.core.crypto.TestJson.integer;
import static dev.sealer.core.crypto.TestJson.list;
import static dev.sealer.core.crypto.TestJson.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof ML-DSA vectors, applied as doc/mldsa.md describes, to {@link SigningKey} and
 * {@link SignatureVerifier}.
 *
 * <p>Our interface is pure ML-DSA with an <em>empty</em> context and no external-mu API, so:
 * <ul>
 *   <li>cases with only {@code mu} ({@code Internal}) check key generation (the public key) only;</li>
 *   <li>cases with a non-empty context check key generation, and that the context-bound signature
 *       does <em>not</em> verify under our empty-context verifier (domain separation);</li>
 *   <li>every other case checks key generation, the exact signature (deterministic: rnd = 0;
 *       {@code Randomized}: the vector's rnd fed as the single randomness read), and that our
 *       verifier accepts what we signed.</li>
 * </ul>
 */
class WycheproofMlDsaTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ML_DSA_44, mldsa_44_sign_seed_test.json",
        "ML_DSA_65, mldsa_65_sign_seed_test.json",
        "ML_DSA_87, mldsa_87_sign_seed_test.json"})
    void signFromSeed_everyWycheproofCase_publicKeyAndSignatureMatch(SignatureAlgorithm alg, String file) {
        Map<String, Object> vectors = TestJson.vectors(file);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> outcome = new TreeMap<>();
        int cases = 0;
        for (Map<String, Object> group : list(vectors, "testGroups")) {
            byte[] seed = hex(group, "privateSeed");
            byte[] expectedPk = hex(group, "publicKey");
            SigningKey key = null;
            String keyError = null;
            try (SecretBytes s = SecretBytes.copyOf(seed)) {
                key = SigningKey.fromSeed(alg, s);
            } catch (IllegalArgumentException e) {
                keyError = e.getMessage();
            }
            for (Map<String, Object> tc : list(group, "tests")) {
                cases++;
                String id = alg.id() + " tcId " + integer(tc, "tcId") + " (" + str(tc, "comment") + ", " + flags(tc) + ")";
                boolean valid = "valid".equals(str(tc, "result"));
                if (key == null) {
                    if (valid || !flags(tc).contains("IncorrectPrivateKeyLength")) {
                        failures.add(id + ": seed rejected: " + keyError);
                    }
                    count(outcome, "seed rejected (IncorrectPrivateKeyLength)");
                    continue;
                }
                if (flags(tc).contains("IncorrectPrivateKeyLength")) {
                    failures.add(id + ": seed of " + seed.length + " bytes accepted");
                    continue;
                }
                if (expectedPk != null && !Arrays.equals(expectedPk, key.publicKey())) {
                    failures.add(id + ": public key mismatch");
                    continue;
                }
                byte[] msg = hex(tc, "msg");
                byte[] ctx = hex(tc, "ctx");
                byte[] expectedSig = hex(tc, "sig");
                if (msg == null) {
                    count(outcome, "mu-only (keygen checked)");
                    continue;
                }
                if (ctx != null && ctx.length > 0) {
                    if (valid && SignatureVerifier.verify(alg, key.publicKey(), msg, expectedSig)) {
                        failures.add(id + ": context-bound signature verified with an empty context");
                    }
                    count(outcome, valid ? "non-empty context (keygen + domain separation checked)"
                            : "context too long (keygen checked; not expressible in our API)");
                    continue;
                }
                if (!valid) {
                    failures.add(id + ": unhandled invalid case");
                    continue;
                }
                byte[] rnd = hex(tc, "rnd");
                byte[] sig = rnd == null ? key.signDeterministic(msg) : key.signWithRandomness(msg, rnd);
                if (!Arrays.equals(expectedSig, sig)) {
                    failures.add(id + ": signature mismatch");
                } else if (!SignatureVerifier.verify(alg, key.publicKey(), msg, sig)) {
                    failures.add(id + ": own signature does not verify");
                }
                count(outcome, rnd == null ? "deterministic signature matched" : "randomized (given rnd) signature matched");
            }
            if (key != null) {
                key.wipe();
            }
        }
        System.out.println(alg.id() + " sign-seed: " + cases + " cases " + outcome);
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
        assertTrue(outcome.getOrDefault("deterministic signature matched", 0) >= 20, "deterministic cases exercised: " + outcome);
        assertEquals(1, outcome.getOrDefault("randomized (given rnd) signature matched", 0), "randomized cases: " + outcome);
        assertEquals(3, outcome.getOrDefault("seed rejected (IncorrectPrivateKeyLength)", 0), "bad seeds: " + outcome);
    }

    @Test
    void verify_everyWycheproofMlDsa65Case_matchesExpectedForEmptyContext() {
        Map<String, Object> vectors = TestJson.vectors("mldsa_65_verify_test.json");
        SignatureAlgorithm alg = SignatureAlgorithm.ML_DSA_65;
        List<String> failures = new ArrayList<>();
        int cases = 0;
        int contextBound = 0;
        for (Map<String, Object> group : list(vectors, "testGroups")) {
            byte[] pk = hex(group, "publicKey");
            byte[] der = hex(group, "publicKeyDer");
            try {
                byte[] decoded = PublicKeyCodec.fromDer(alg, der);
                if (!Arrays.equals(decoded, pk)) {
                    failures.add("publicKeyDer decodes to a different key");
                }
            } catch (IllegalArgumentException e) {
                if (pk.length == alg.publicKeySize()) {
                    failures.add("publicKeyDer of a well-sized key rejected: " + e.getMessage());
                }
            }
            for (Map<String, Object> tc : list(group, "tests")) {
                cases++;
                String id = "tcId " + integer(tc, "tcId") + " (" + str(tc, "comment") + ", " + flags(tc) + ")";
                byte[] ctx = hex(tc, "ctx");
                boolean expected = "valid".equals(str(tc, "result"));
                if (ctx != null && ctx.length > 0) {
                    // our verifier is pure ML-DSA with an empty context: a context-bound signature must fail
                    expected = false;
                    contextBound++;
                }
                boolean actual = SignatureVerifier.verify(alg, pk, hex(tc, "msg"), hex(tc, "sig"));
                if (actual != expected) {
                    failures.add(id + ": expected " + expected + " got " + actual);
                }
            }
        }
        System.out.println("ml-dsa-65 verify: " + cases + " cases, " + contextBound + " with a non-empty context (expected false)");
        assertEquals(210, cases, "ML-DSA-65 verify cases");
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
    }

    private static void count(Map<String, Integer> outcome, String what) {
        outcome.merge(what, 1, Integer::sum);
    }
}
