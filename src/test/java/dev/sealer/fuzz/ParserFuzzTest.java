package dev.sealer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.Json;
import dev.sealer.core.log.Checkpoint;
import dev.sealer.core.log.NoteVerifier;
import dev.sealer.core.log.SignedNote;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import dev.sealer.testing.TestAuthority;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of every parser that reads bytes from outside: the strict JSON reader, the
 * checkpoint body and signed-note parsers, receipts, seal bundles and trust bundles, and the offline verifier on
 * whatever bundle parses; the formats other tools read (OMS statements, Sigstore bundles, DSSE envelopes) and their
 * verifiers. The only failure any of them may raise is a {@link SealerException} with its reason;
 * anything else (an unchecked exception, a stack overflow, a hang) is a finding.
 *
 * <p>In the test suite each target runs over its corpus in {@code src/test/resources/dev/sealer/fuzz/ParserFuzzTestInputs/}
 * (regression mode). Fuzzing proper: {@code JAZZER_FUZZ=1 ./mvnw test -Dtest=ParserFuzzTest} (docs/reliability.md).
 */
class ParserFuzzTest {
    private static final TestAuthority AUTHORITY = new TestAuthority("suite-20260101-f0220000");
    private static final SealVerifier VERIFIER = new SealVerifier(AUTHORITY.trust);
    private static final NoteVerifier NO_KEY = new NoteVerifier() {
        @Override
        public String keyName() {
            return "sealer.dev/log";
        }

        @Override
        public byte[] keyId() {
            return new byte[] {1, 2, 3, 4};
        }

        @Override
        public boolean verify(byte[] body, byte[] sig) {
            return false;
        }
    };

    @FuzzTest(maxDuration = "10s")
    void json(byte[] input) {
        try {
            Json.parse(input);
        } catch (SealerException expected) {
            // a reasoned refusal
        }
    }

    @FuzzTest(maxDuration = "10s")
    void checkpointAndNote(byte[] input) {
        try {
            Checkpoint.parse(input);
        } catch (SealerException expected) {
            // a reasoned refusal
        }
        try {
            SignedNote.open(input, List.of(NO_KEY));
        } catch (SealerException expected) {
            // a reasoned refusal
        }
    }

    @FuzzTest(maxDuration = "10s")
    void offlineVerifierInputs(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            Receipt.parse(input);
        } catch (SealerException expected) {
            // a reasoned refusal
        }
        try {
            TrustBundle.parse(text);
        } catch (SealerException expected) {
            // a reasoned refusal
        }
        SealBundle bundle;
        try {
            bundle = SealBundle.parse(text);
        } catch (SealerException expected) {
            return;
        }
        Verdict v = VERIFIER.verify(bundle, Optional.of(new Digest(DigestAlgorithm.SHA_256, new byte[32])));
        if (!v.valid() && v.reason() == null) {
            throw new AssertionError("an INVALID verdict without a reason: " + v.detail());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void formatInputs(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            dev.sealer.core.format.OmsStatement.parse(input);
        } catch (SealerException expected) {
            // a reasoned refusal
        }
        try {
            dev.sealer.core.format.SigstoreBundle bundle = dev.sealer.core.format.SigstoreBundle.parse(text);
            Verdict v = dev.sealer.core.format.ModelSignature.verify(bundle, VERIFIER).verdict();
            if (!v.valid() && v.reason() == null) {
                throw new AssertionError("an INVALID verdict without a reason: " + v.detail());
            }
        } catch (SealerException expected) {
            // a reasoned refusal
        }
        dev.sealer.core.format.Dsse.Envelope env;
        try {
            env = dev.sealer.core.format.Dsse.Envelope.fromJsonValue(Json.parseObject(input));
        } catch (SealerException expected) {
            return;
        }
        Verdict v = dev.sealer.core.format.SealAttestation.verify(env, VERIFIER).verdict();
        if (!v.valid() && v.reason() == null) {
            throw new AssertionError("an INVALID verdict without a reason: " + v.detail());
        }
    }
}
