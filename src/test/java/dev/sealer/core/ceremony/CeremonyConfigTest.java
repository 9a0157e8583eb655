package dev.sealer.core.ceremony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.testing.TestAuthority;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ceremony file, its plan and the signed transcript, without an HSM. */
class CeremonyConfigTest {
    static final String NEW_ROOT = """
            {"format": "sealer-ceremony/v1", "ceremony": "root-2026-12", "kind": "new-root", "authority": "sealer",
             "operators": ["ada", "grace"],
             "hsm": {"module": "/usr/lib/softhsm/libsofthsm2.so", "token_label": "sealer", "initialize_token": "pkcs11"},
             "custody": {"threshold": 2, "custodians": ["carol", "dave", "erin"]},
             "root": {"id": "root", "derivation_secret": {"label": "sealer-root", "id": "01"},
                      "attestation_key": {"label": "sealer-attest-ec", "id": "02"}},
             "additional_keys": [{"label": "sealer-tsa-ec", "id": "10", "algorithm": "ecdsa-p256", "subject": "CN=Sealer TSA"}],
             "first_suite": {"validity": "P365D", "overlap": "P30D"},
             "outputs": {"trust_bundle": "out/trust-bundle.json", "transcript": "out/transcript.json"}}
            """;

    @Test
    void newRoot_parsesAndPlansEveryKeyIncludingAdditionalOnes_inOrder() {
        CeremonyConfig c = CeremonyConfig.parse(NEW_ROOT);
        assertEquals(List.of("sealer-root", "sealer-attest-ec", "sealer-tsa-ec"), c.createdKeys().stream().map(CeremonyConfig.KeyDefinition::label).toList());
        CeremonyPlan plan = CeremonyPlan.of(c);
        assertEquals(List.of("custody-split", "initialize-token", "login", "generate-key", "generate-key", "generate-key", "derive-ml-dsa-root",
                "certify-first-suite", "write-trust-bundle", "sign-transcript", "print-shares"), plan.names());
        assertTrue(plan.describe().contains("generate ecdsa-p256 'sealer-tsa-ec' (id 10)"), plan.describe());
        assertTrue(plan.describe().contains("2-of-3"));
    }

    @Test
    void parse_refusesWhatWouldMakeABadCeremony() {
        assertRefused(NEW_ROOT.replace("\"threshold\": 2", "\"threshold\": 1"), "custody.threshold");
        assertRefused(NEW_ROOT.replace("\"threshold\": 2", "\"threshold\": 4"), "custody.threshold");
        assertRefused(NEW_ROOT.replace("\"sealer-tsa-ec\"", "\"sealer-root\""), "used twice");
        assertRefused(NEW_ROOT.replace("\"id\": \"10\"", "\"id\": \"02\""), "used twice");
        assertRefused(NEW_ROOT.replace("\"new-root\"", "\"old-root\""), "kind");
        assertRefused(NEW_ROOT.replace("\"pkcs11\"", "\"none\""), "initialize_token");
        assertRefused(NEW_ROOT.replace("\"ecdsa-p256\", \"subject\"", "\"rsa-2048\", \"subject\""), "algorithm");
        assertRefused(NEW_ROOT.replace("sealer-ceremony/v1", "sealer-ceremony/v0"), "format");
        assertRefused(NEW_ROOT.replace("[\"ada\", \"grace\"]", "[]"), "operators");
    }

    private static void assertRefused(String json, String mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CeremonyConfig.parse(json));
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
    }

    @Test
    void transcript_signedByTheRoot_verifiesAgainstItsBundle_andAnyChangedByteFails() {
        TestAuthority a = new TestAuthority("suite-a");
        CeremonyConfig c = CeremonyConfig.parse(NEW_ROOT.replace("\"authority\": \"sealer\"", "\"authority\": \"test-authority\""));
        CeremonyPlan plan = CeremonyPlan.of(c);
        Transcript.Builder b = new Transcript.Builder(Clock.fixed(Instant.parse("2026-12-02T04:00:00Z"), ZoneOffset.UTC), c);
        for (String step : plan.names()) {
            b.step(step, Map.of("ok", true));
        }
        byte[] bundle = a.trust.toJson().getBytes();
        b.put("outputs", Map.of("trust_bundle", Map.of("path", "out/trust-bundle.json", "sha256", Transcript.sha256Hex(bundle))));
        String json = b.sign("root", a).toJson();
        Transcript t = Transcript.parse(json);
        assertTrue(t.verify(a.trust, bundle, plan.names()).stream().allMatch(Transcript.Check::ok), t.verify(a.trust, bundle, plan.names()).toString());
        assertTrue(t.root().sameAs(a.publicKeys()));

        Transcript changed = Transcript.parse(json.replace("\"grace\"", "\"mallory\""));
        assertEquals(List.of(false, true, true, true, true), changed.verify(a.trust, bundle, plan.names()).stream().map(Transcript.Check::ok).toList());
        Transcript shortened = Transcript.parse(json);
        assertTrue(!shortened.verify(a.trust, bundle, plan.names().subList(0, 5)).stream().allMatch(Transcript.Check::ok));
        TestAuthority other = new TestAuthority("suite-b");
        assertTrue(!t.verify(other.trust, other.trust.toJson().getBytes(), plan.names()).stream().allMatch(Transcript.Check::ok),
                "another authority's bundle does not vouch for this transcript");
    }
}
