package dev.sealer.core.suite;

import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.time.Rfc3339;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The published lifecycle of every suite, signed by both root attestation keys: status, when
 * signing actually ended (rotation), and for revoked suites when the key is believed
 * compromised. Verifiers apply it on top of the certificates; it is the revocation list.
 * Signed message: {@code "sealer/v1/revocation\n" || canonical body}.
 */
public record SuiteStatusList(Instant issuedAt, List<Entry> entries, byte[] rootEcdsaSignature, byte[] rootMlDsaSignature) {

    public record Entry(String suiteId, SuiteStatus status, Instant signingEndedAt, Instant compromisedSince, Instant revokedAt, String reason) {
        Map<String, Object> toJsonValue() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("suite_id", suiteId);
            m.put("status", status.name());
            if (signingEndedAt != null) {
                m.put("signing_ended_at", Rfc3339.format(signingEndedAt));
            }
            if (compromisedSince != null) {
                m.put("compromised_since", Rfc3339.format(compromisedSince));
            }
            if (revokedAt != null) {
                m.put("revoked_at", Rfc3339.format(revokedAt));
            }
            if (reason != null) {
                m.put("reason", reason);
            }
            return m;
        }

        static Entry fromJsonValue(Map<String, Object> m) {
            return new Entry(Json.string(m, "suite_id"), SuiteStatus.valueOf(Json.string(m, "status")),
                    Json.optString(m, "signing_ended_at").map(Rfc3339::parse).orElse(null),
                    Json.optString(m, "compromised_since").map(Rfc3339::parse).orElse(null),
                    Json.optString(m, "revoked_at").map(Rfc3339::parse).orElse(null), Json.optString(m, "reason").orElse(null));
        }
    }

    public SuiteStatusList {
        entries = List.copyOf(entries);
        rootEcdsaSignature = rootEcdsaSignature == null ? null : rootEcdsaSignature.clone();
        rootMlDsaSignature = rootMlDsaSignature == null ? null : rootMlDsaSignature.clone();
    }

    public static SuiteStatusList sign(Instant issuedAt, List<Entry> entries, RootSigner root) {
        SuiteStatusList unsigned = new SuiteStatusList(issuedAt, entries, null, null);
        byte[] message = unsigned.signedMessage();
        return new SuiteStatusList(issuedAt, entries, root.ecdsaP256(message), root.mlDsa(message));
    }

    public Optional<Entry> entry(String suiteId) {
        return entries.stream().filter(e -> e.suiteId().equals(suiteId)).findFirst();
    }

    public Map<String, Object> body() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("issued_at", Rfc3339.format(issuedAt));
        m.put("suites", entries.stream().map(Entry::toJsonValue).toList());
        return m;
    }

    public byte[] signedMessage() {
        return SignedMessage.of(SignedMessage.REVOCATION, CanonicalJson.write(body()));
    }

    public boolean isSignedBy(RootKeys root) {
        return root.verify(signedMessage(), rootEcdsaSignature, rootMlDsaSignature);
    }

    public Map<String, Object> toJsonValue() {
        Map<String, Object> m = new LinkedHashMap<>(body());
        m.put("root_signatures", Map.of("ecdsa-p256", Base64.getEncoder().encodeToString(rootEcdsaSignature), "ml-dsa",
                Base64.getEncoder().encodeToString(rootMlDsaSignature)));
        return m;
    }

    public static SuiteStatusList fromJsonValue(Map<String, Object> m) {
        List<Entry> entries = new ArrayList<>();
        for (Object o : Json.array(m, "suites")) {
            entries.add(Entry.fromJsonValue(Json.asObject(o, "suite status")));
        }
        Map<String, Object> sigs = Json.object(m, "root_signatures");
        return new SuiteStatusList(Rfc3339.parse(Json.string(m, "issued_at")), entries,
                Base64.getDecoder().decode(Json.string(sigs, "ecdsa-p256")), Base64.getDecoder().decode(Json.string(sigs, "ml-dsa")));
    }
}
