package dev.sealer.core.ceremony;

import java.util.ArrayList;
import java.util.List;

/**
 * The steps a ceremony file leads to, in order, before anything happens: what {@code --dry-run}
 * prints and what the transcript records one entry per step for. The runner performs exactly
 * these steps; {@link #names()} is how a transcript is checked for completeness.
 */
public record CeremonyPlan(CeremonyConfig config, List<Step> steps) {

    /** One step: its name (as in the transcript) and what it does, in words. */
    public record Step(String name, String description) {
    }

    public static CeremonyPlan of(CeremonyConfig c) {
        List<Step> s = new ArrayList<>();
        String mOfN = c.custody().threshold() + "-of-" + c.custody().custodians().size();
        if (c.kind() == CeremonyConfig.Kind.NEW_ROOT) {
            s.add(new Step("custody-split", "draw a 256-bit custody secret (user PIN || SO PIN) and split it " + mOfN + " (Shamir over GF(256)) for "
                    + String.join(", ", c.custody().custodians()) + "; record only its commitment"));
            s.add(new Step("initialize-token", "initialise a new token '" + c.hsm().tokenLabel() + "' in the first slot of " + c.hsm().module()
                    + " with an uninitialised token (C_InitToken with the SO PIN, then C_InitPIN with the user PIN as the SO)"));
        } else {
            s.add(new Step("verify-previous", "check the previous transcript " + c.previous().transcript() + " against its trust bundle "
                    + c.previous().trustBundle()));
            s.add(new Step("custody-combine", "reconstruct the token PINs from at least " + c.custody().threshold() + " custody shares (" + mOfN
                    + "); refuse with fewer or with shares that miss the commitment"));
        }
        s.add(new Step("login", "log in to token '" + c.hsm().tokenLabel() + "' through " + c.hsm().module() + " (C_Login, CKU_USER)"));
        if (c.kind() == CeremonyConfig.Kind.ROOT_ROLLOVER) {
            s.add(new Step("inspect-derivation-secret", "check the existing root derivation secret '" + c.root().derivationSecret().label()
                    + "' (kept: it derives every suite and row key) is sensitive and non-extractable"));
            s.add(new Step("inspect-previous-root", "check the previous root attestation key in the token is the one the previous trust bundle pins"));
        }
        for (CeremonyConfig.KeyDefinition k : c.createdKeys()) {
            s.add(new Step("generate-key", "generate " + k.algorithm() + " '" + k.label() + "' (id " + k.id() + ") inside the token: CKA_TOKEN, CKA_PRIVATE,"
                    + " CKA_SENSITIVE = true, CKA_EXTRACTABLE = false; read the attributes back and refuse any other value"));
            if (CeremonyConfig.KeyDefinition.TIME_STAMPING.equals(k.certify())) {
                s.add(new Step("certify-time-stamping", "issue the certificate of '" + k.label() + "' from the root attestation key '"
                        + c.root().attestationKey().label() + "' (signed inside the token) for RFC 3161 time-stamping only (extended key usage"
                        + " id-kp-timeStamping, critical) and store the chain with the key"));
            }
        }
        s.add(new Step("derive-ml-dsa-root", "derive the " + c.root().mlDsa().id() + " root attestation key for root '" + c.root().id()
                + "' from the derivation secret (HMAC inside the HSM; the key exists in memory only while it signs)"));
        if (c.kind() == CeremonyConfig.Kind.NEW_ROOT) {
            s.add(new Step("certify-first-suite", "derive the first suite's ed25519 and " + c.firstSuite().algorithm().id()
                    + " keys from the root and certify them with both root keys: signing for " + c.firstSuite().validity() + ", overlap "
                    + c.firstSuite().overlap()));
        } else {
            s.add(new Step("cross-certify", "sign the new root with the old root and the old root with the new (root cross-certificates)"));
        }
        s.add(new Step("write-trust-bundle", "write the trust bundle to " + c.outputs().trustBundle()));
        s.add(new Step("sign-transcript", "sign this transcript with the root '" + c.root().id() + "' keys and write it to " + c.outputs().transcript()));
        if (c.kind() == CeremonyConfig.Kind.NEW_ROOT) {
            s.add(new Step("print-shares", "print each custodian's share once, on this terminal; no share is written anywhere"));
        }
        return new CeremonyPlan(c, List.copyOf(s));
    }

    public List<String> names() {
        return steps.stream().map(Step::name).toList();
    }

    /** The plan as text, one numbered line per step. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("ceremony ").append(config.ceremonyId()).append(" (").append(config.kind().id()).append(") for authority ").append(config.authority())
                .append(", operators ").append(String.join(", ", config.operators())).append('\n');
        for (int i = 0; i < steps.size(); i++) {
            b.append(String.format("%2d. %-26s %s%n", i + 1, steps.get(i).name(), steps.get(i).description()));
        }
        return b.toString();
    }
}
