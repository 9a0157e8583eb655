package dev.sealer.cli;

import dev.sealer.app.suite.RootAttestation;
import dev.sealer.core.ceremony.CeremonyConfig;
import dev.sealer.core.ceremony.CeremonyPlan;
import dev.sealer.core.ceremony.Custody;
import dev.sealer.core.ceremony.Transcript;
import dev.sealer.core.json.Json;
import dev.sealer.core.suite.RootCrossCertificate;
import dev.sealer.core.suite.RootKeys;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.SuiteKeys;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.time.Rfc3339;
import dev.sealer.hsm.HsmConfig;
import dev.sealer.hsm.Pkcs11Hsm;
import dev.sealer.hsm.TokenCeremony;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Performs a ceremony file's plan step by step against the PKCS#11 token, printing each step as it
 * completes and recording it in the transcript. Runs in its own process ({@code sealer ceremony run}):
 * PKCS#11 login state belongs to the process.
 */
final class CeremonyRunner {
    /** The ML-DSA root boundary, stated in every transcript. */
    static final String ML_DSA_BOUNDARY = "The HSM holds the root derivation secret and the ECDSA P-256 root attestation key; neither can leave it."
            + " The token has no ML-DSA, so the ML-DSA root attestation key is derived from the root secret (HKDF-SHA256 expand, HMAC inside the HSM,"
            + " info = (sealer/v1/root-attest, root id, algorithm)), exists in process memory only while it signs, and is wiped right after.";

    private final CeremonyConfig config;
    private final CeremonyPlan plan;
    private final Path base;
    private final PrintWriter out;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private int done;

    CeremonyRunner(CeremonyConfig config, Path base, PrintWriter out, Clock clock) {
        this.config = config;
        this.plan = CeremonyPlan.of(config);
        this.base = base;
        this.out = out;
        this.clock = clock;
    }

    Path resolve(String p) {
        return base.resolve(p).normalize();
    }

    private void done(Transcript.Builder t, String name, Map<String, Object> detail, String summary) {
        String expected = plan.steps().get(done).name();
        if (!expected.equals(name)) {
            throw new IllegalStateException("step " + name + " out of plan order (expected " + expected + ")");
        }
        done++;
        t.step(name, detail);
        out.printf("[%2d/%d] %-26s ok  %s%n", done, plan.steps().size(), name, summary);
        out.flush();
    }

    private void refuseExistingOutputs() {
        for (String o : List.of(config.outputs().trustBundle(), config.outputs().transcript())) {
            if (Files.exists(resolve(o))) {
                throw new IllegalStateException("output " + resolve(o) + " already exists; a ceremony never overwrites its results");
            }
        }
    }

    /** A new token and root: custody split, token, keys, the first suite, the bundle, the transcript; then the shares, once. */
    void runNewRoot() throws IOException {
        refuseExistingOutputs();
        Transcript.Builder t = new Transcript.Builder(clock, config);
        CeremonyConfig.CustodyRule rule = config.custody();
        Custody.Split split = Custody.create(config.ceremonyId(), rule.threshold(), rule.custodians().size(), random);
        try (Custody.Pins pins = split.pins()) {
            Map<String, Object> custody = custodyJson(config.ceremonyId(), rule, split.commitment());
            t.put("custody", custody);
            done(t, "custody-split", custody, rule.threshold() + "-of-" + rule.custodians().size() + ", commitment " + split.commitment().substring(0, 16) + "...");
            TokenCeremony.initializeToken(config.hsm().module(), config.hsm().tokenLabel(), pins.so(), pins.user());
            done(t, "initialize-token", map("calls", "C_InitToken (SO PIN), C_Login CKU_SO, C_InitPIN (user PIN)", "token_label", config.hsm().tokenLabel()),
                    "token '" + config.hsm().tokenLabel() + "'");
            try (TokenCeremony token = TokenCeremony.login(config.hsm().module(), config.hsm().tokenLabel(), pins.user())) {
                done(t, "login", loginJson(token), "slot " + token.slot() + ", CKU_USER");
                for (CeremonyConfig.KeyDefinition k : config.createdKeys()) {
                    generate(t, token, k);
                }
                t.put("hsm", hsmJson());
                try (Pkcs11Hsm hsm = Pkcs11Hsm.open(hsmConfig(pins.user(), config.root().attestationKey().label()))) {
                    RootAttestation root = new RootAttestation(hsm, config.root().id());
                    deriveRoot(t, root);
                    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                    SuiteCertificate first = certifyFirstSuite(hsm, root, now);
                    done(t, "certify-first-suite", suiteJson(first), first.suiteId() + " [" + Rfc3339.format(first.signFrom()) + ", "
                            + Rfc3339.format(first.signUntil()) + ")");
                    TrustBundle bundle = new TrustBundle(config.authority(), root.publicKeys(), List.of(first), now);
                    writeBundleAndTranscript(t, bundle, root);
                }
            }
            out.println();
            out.println("CUSTODY SHARES (" + rule.threshold() + "-of-" + rule.custodians().size() + "). Each custodian copies their own line now;"
                    + " they are printed once and written nowhere.");
            for (int i = 0; i < split.shareLines().size(); i++) {
                out.println("  " + rule.custodians().get(i) + ": " + split.shareLines().get(i));
            }
            out.flush();
        }
    }

    /** A new root in the same token, cross-certified with the previous one. Needs M custody shares. */
    void runRollover(List<String> shareLines) throws IOException {
        refuseExistingOutputs();
        Transcript.Builder t = new Transcript.Builder(clock, config);
        Path prevBundleFile = resolve(config.previous().trustBundle());
        byte[] prevBundleBytes = Files.readAllBytes(prevBundleFile);
        TrustBundle previous = TrustBundle.parse(new String(prevBundleBytes, StandardCharsets.UTF_8));
        Transcript prevTranscript = Transcript.parse(Files.readString(resolve(config.previous().transcript())));
        List<Transcript.Check> checks = prevTranscript.verify(previous, prevBundleBytes, null);
        for (Transcript.Check c : checks) {
            if (!c.ok()) {
                throw new IllegalStateException("the previous transcript does not check out: " + c.what());
            }
        }
        if (!prevTranscript.root().sameAs(previous.root())) {
            throw new IllegalStateException("the previous trust bundle's root is not the root the previous ceremony made");
        }
        done(t, "verify-previous", map("ceremony", prevTranscript.ceremonyId(), "root_id", prevTranscript.rootId(), "trust_bundle_sha256",
                Transcript.sha256Hex(prevBundleBytes)), "ceremony " + prevTranscript.ceremonyId() + ", root " + prevTranscript.rootId());
        Map<String, Object> custody = prevTranscript.custody();
        try (Custody.Pins pins = Custody.combine(Json.string(custody, "ceremony"), Json.string(custody, "commitment"), shareLines)) {
            t.put("custody", custody);
            done(t, "custody-combine", map("ceremony", Json.string(custody, "ceremony"), "shares_presented", (long) shareLines.size(), "threshold",
                    Json.integer(custody, "threshold")), shareLines.size() + " shares match the commitment");
            Map<String, Object> prevHsm = Json.object(prevTranscript.body(), "hsm");
            if (!Json.string(prevHsm, "derivation_secret_label").equals(config.root().derivationSecret().label())) {
                throw new IllegalStateException("root.derivation_secret.label must be the previous ceremony's '" + Json.string(prevHsm, "derivation_secret_label") + "'");
            }
            try (TokenCeremony token = TokenCeremony.login(config.hsm().module(), config.hsm().tokenLabel(), pins.user())) {
                done(t, "login", loginJson(token), "slot " + token.slot() + ", CKU_USER");
                TokenCeremony.KeyReport secret = token.inspectSecret(config.root().derivationSecret().label());
                done(t, "inspect-derivation-secret", keyJson(config.root().derivationSecret(), secret), "handle " + secret.handle() + ", attributes as required");
                String oldLabel = Json.string(prevHsm, "attestation_key_label");
                TokenCeremony.KeyReport old = token.inspectPrivateKey(oldLabel);
                if (!MessageDigest.isEqual(old.publicKey().getEncoded(), previous.root().ecdsaP256().getEncoded())) {
                    throw new IllegalStateException("the token's '" + oldLabel + "' is not the ECDSA root key the previous trust bundle pins");
                }
                try (Pkcs11Hsm oldHsm = Pkcs11Hsm.open(hsmConfig(pins.user(), oldLabel))) {
                    RootAttestation oldRoot = new RootAttestation(oldHsm, prevTranscript.rootId());
                    if (!oldRoot.publicKeys().sameAs(previous.root())) {
                        throw new IllegalStateException("the previous root derived from this token is not the one the previous trust bundle pins");
                    }
                    Map<String, Object> d = keyJson(null, old);
                    d.put("root_id", prevTranscript.rootId());
                    done(t, "inspect-previous-root", d, "'" + oldLabel + "' and " + oldRoot.publicKeys().mlDsaAlgorithm().id() + " match the pinned root");
                    for (CeremonyConfig.KeyDefinition k : config.createdKeys()) {
                        generate(t, token, k);
                    }
                    t.put("hsm", hsmJson());
                    try (Pkcs11Hsm newHsm = Pkcs11Hsm.open(hsmConfig(pins.user(), config.root().attestationKey().label()))) {
                        RootAttestation newRoot = new RootAttestation(newHsm, config.root().id());
                        deriveRoot(t, newRoot);
                        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                        RootCrossCertificate oldSignsNew = RootCrossCertificate.issue(oldRoot.rootId(), oldRoot, newRoot.rootId(), newRoot.publicKeys(), now);
                        RootCrossCertificate newSignsOld = RootCrossCertificate.issue(newRoot.rootId(), newRoot, oldRoot.rootId(), oldRoot.publicKeys(), now);
                        done(t, "cross-certify", map("old_signs_new_sha256", Transcript.sha256Hex(oldSignsNew.signedMessage()), "new_signs_old_sha256",
                                Transcript.sha256Hex(newSignsOld.signedMessage()), "issued_at", Rfc3339.format(now)),
                                oldRoot.rootId() + " -> " + newRoot.rootId() + " and " + newRoot.rootId() + " -> " + oldRoot.rootId());
                        List<RootCrossCertificate> chain = new ArrayList<>(previous.rootChain());
                        chain.add(oldSignsNew);
                        chain.add(newSignsOld);
                        // the previous bundle's time-stamping authorities stamped the checkpoints made so far: carried forward
                        TrustBundle bundle = new TrustBundle(config.authority(), newRoot.publicKeys(), previous.suites(), now, null, chain,
                                previous.timestampAuthorities().stream().map(dev.sealer.core.tsa.TimestampTrust::carriedForward).toList());
                        writeBundleAndTranscript(t, bundle, newRoot);
                    }
                }
            }
        }
    }

    private void generate(Transcript.Builder t, TokenCeremony token, CeremonyConfig.KeyDefinition k) {
        TokenCeremony.KeyReport r = k.algorithm().equals("generic-secret-256") ? token.generateSecret(k.label(), k.id())
                : token.generateEcP256(k.label(), k.id(), k.subject(), k.validityDays());
        done(t, "generate-key", keyJson(k, r), k.label() + " handle " + r.handle() + (r.publicKey() == null ? ""
                : ", public key sha256 " + RootKeysFingerprint.of(r.publicKey().getEncoded()).substring(0, 16) + "...") + ", attributes as required");
        if (CeremonyConfig.KeyDefinition.TIME_STAMPING.equals(k.certify())) {
            String issuer = config.root().attestationKey().label();
            java.security.cert.X509Certificate cert = token.certifyForTimeStamping(k.label(), issuer, k.validityDays());
            String sha256;
            try {
                sha256 = RootKeysFingerprint.of(cert.getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
            done(t, "certify-time-stamping", map("label", k.label(), "issuer_label", issuer, "subject", cert.getSubjectX500Principal().getName(),
                    "issuer", cert.getIssuerX500Principal().getName(), "extended_key_usage", "id-kp-timeStamping (critical)",
                    "not_after", Rfc3339.format(cert.getNotAfter().toInstant()), "certificate_sha256", sha256),
                    k.label() + " certified by " + issuer + " for time-stamping, certificate sha256 " + sha256.substring(0, 16) + "...");
        }
    }

    private void deriveRoot(Transcript.Builder t, RootAttestation root) {
        RootKeys keys = root.publicKeys();
        t.put("ml_dsa_boundary", ML_DSA_BOUNDARY);
        done(t, "derive-ml-dsa-root", map("root_id", root.rootId(), "algorithm", keys.mlDsaAlgorithm().id(), "info_label", "sealer/v1/root-attest",
                "public_key_sha256", keys.mlDsaFingerprint(), "boundary", ML_DSA_BOUNDARY), keys.mlDsaAlgorithm().id() + " public key sha256 "
                + keys.mlDsaFingerprint().substring(0, 16) + "...");
    }

    private SuiteCertificate certifyFirstSuite(Pkcs11Hsm hsm, RootAttestation root, Instant now) {
        var first = config.firstSuite();
        String suiteId = "suite-" + DateTimeFormatter.ofPattern("uuuuMMdd").withZone(ZoneOffset.UTC).format(now) + "-"
                + HexFormat.of().formatHex(random.generateSeed(4));
        Instant signUntil = now.plus(first.validity());
        try (SuiteKeys keys = SuiteKeys.operational(hsm.rootKey(), suiteId, first.algorithm())) {
            return SuiteCertificate.issue(suiteId, keys.ed25519PublicKey(), first.algorithm(), keys.mlDsaPublicKey(), now, signUntil,
                    signUntil.plus(first.overlap()), now, root);
        }
    }

    private void writeBundleAndTranscript(Transcript.Builder t, TrustBundle bundle, RootAttestation root) throws IOException {
        byte[] bytes = bundle.toJson().getBytes(StandardCharsets.UTF_8);
        Path bundleFile = resolve(config.outputs().trustBundle());
        Files.createDirectories(bundleFile.getParent());
        Files.write(bundleFile, bytes, java.nio.file.StandardOpenOption.CREATE_NEW);
        String sha = Transcript.sha256Hex(bytes);
        t.put("outputs", map("trust_bundle", map("path", config.outputs().trustBundle(), "sha256", sha)));
        done(t, "write-trust-bundle", map("path", config.outputs().trustBundle(), "sha256", sha, "suites", (long) bundle.suites().size(),
                "root_chain", (long) bundle.rootChain().size()), bundleFile + " (sha256 " + sha.substring(0, 16) + "...)");
        Path transcriptFile = resolve(config.outputs().transcript());
        done(t, "sign-transcript", map("root_id", root.rootId(), "path", config.outputs().transcript()), "signed by root " + root.rootId()
                + " (ecdsa-p256 in the HSM + " + root.publicKeys().mlDsaAlgorithm().id() + ")");
        if (config.kind() == CeremonyConfig.Kind.NEW_ROOT) {
            done(t, "print-shares", map("custodians", config.custody().custodians()), "below, once");
        }
        Transcript signed = t.sign(root.rootId(), root);
        Files.createDirectories(transcriptFile.getParent());
        Files.writeString(transcriptFile, signed.toJson(), java.nio.file.StandardOpenOption.CREATE_NEW);
        out.println("transcript " + transcriptFile + " (sha256 " + Transcript.sha256Hex(Files.readAllBytes(transcriptFile)) + ")");
    }

    private HsmConfig hsmConfig(char[] pin, String attestationLabel) {
        return new HsmConfig(config.hsm().module(), config.hsm().tokenLabel(), pin.clone(), config.root().derivationSecret().label(), attestationLabel);
    }

    private Map<String, Object> hsmJson() {
        return map("module", config.hsm().module(), "token_label", config.hsm().tokenLabel(), "derivation_secret_label",
                config.root().derivationSecret().label(), "attestation_key_label", config.root().attestationKey().label());
    }

    private Map<String, Object> loginJson(TokenCeremony token) {
        return map("module", config.hsm().module(), "token_label", config.hsm().tokenLabel(), "slot", token.slot(), "user_type", "CKU_USER");
    }

    static Map<String, Object> custodyJson(String ceremony, CeremonyConfig.CustodyRule rule, String commitment) {
        return map("ceremony", ceremony, "threshold", (long) rule.threshold(), "custodians", rule.custodians(), "commitment", commitment,
                "secret", "user PIN || SO PIN (16 + 16 bytes), Shamir over GF(256)");
    }

    private static Map<String, Object> keyJson(CeremonyConfig.KeyDefinition k, TokenCeremony.KeyReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", r.label());
        if (k != null) {
            m.put("id", k.id());
            m.put("algorithm", k.algorithm());
        }
        m.put("object_class", r.objectClass());
        m.put("handle", r.handle());
        Map<String, Object> attrs = new LinkedHashMap<>();
        r.attributes().forEach((name, v) -> attrs.put(name, v instanceof Integer i ? (Object) (long) i : v));
        m.put("attributes", attrs);
        if (r.publicKey() != null) {
            m.put("public_key_sha256", RootKeysFingerprint.of(r.publicKey().getEncoded()));
        }
        return m;
    }

    private static Map<String, Object> suiteJson(SuiteCertificate c) {
        return map("suite_id", c.suiteId(), "ed25519_public_key_sha256", RootKeysFingerprint.of(c.ed25519PublicKey()),
                c.pqAlgorithm().id() + "_public_key_sha256", RootKeysFingerprint.of(c.pqPublicKey()), "sign_from", Rfc3339.format(c.signFrom()),
                "sign_until", Rfc3339.format(c.signUntil()), "verify_until", Rfc3339.format(c.verifyUntil()));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** SHA-256 in hex, as transcripts record public keys. */
    static final class RootKeysFingerprint {
        static String of(byte[] encoded) {
            return Transcript.sha256Hex(encoded);
        }
    }
}
