package dev.sealer.core.evidence;

import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteWindows;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.time.Rfc3339;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An evidence package (docs/evidence.md): everything an auditor needs about a set of seals, in
 * one file that verifies offline. The file is an <b>envelope</b> carrying the exact bytes of the
 * package <b>body</b> (base64) and the authority's dual signature over
 * {@code "sealer/v1/evidence\n" || body}: a verifier checks the signature over the bytes it
 * received, then parses them, so nothing is re-canonicalised and nothing can be trimmed unnoticed.
 * Inside the body each receipt is likewise carried as the exact signed bytes.
 */
public final class EvidencePackage {
    public static final String FORMAT = "sealer-evidence/v1";
    public static final String ENVELOPE_FORMAT = "sealer-evidence-envelope/v1";
    /** The largest package file a verifier reads (a 1,000-seal package of SIGNED seals is about 9 MB). */
    public static final int MAX_BYTES = 64 << 20;

    private EvidencePackage() {
    }

    /**
     * One seal in the package. {@code role} is {@code seal} for the seals the query selected and
     * {@code ancestor} for seals reached through their parents. {@code anchor} is the inclusion
     * proof to the first checkpoint that covered the seal (null when none does yet: the package is
     * then incomplete), {@code consistency} the proof from that checkpoint to the package's latest
     * checkpoint (empty when they are the same). The two statuses are what the authority stated
     * ({@link #status}): at {@code committed_at} and at {@code requested_at}.
     */
    public record Item(String role, byte[] receipt, DualSignature signature, Anchor anchor, List<byte[]> consistency, String statusAtCommit,
            String statusNow) {
    }

    /** The package body: the query that produced it, who asked, when and why, the trust material, the checkpoints and the seals. */
    public record Body(String authority, Map<String, Object> query, String requestedBy, Instant requestedAt, String reason, TrustBundle trust,
            String latestCheckpoint, String latestCheckpointSuiteId, long latestTreeSize, List<Item> items, int sealCount, List<String> missing) {
        public boolean complete() {
            return missing.isEmpty();
        }

        public byte[] toBytes() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", FORMAT);
            m.put("authority", authority);
            m.put("query", query);
            m.put("requested_by", requestedBy);
            m.put("requested_at", Rfc3339.format(requestedAt));
            m.put("reason", reason);
            m.put("trust_bundle", trust.toJsonValue());
            m.put("root_keys_sha256", rootFingerprint(trust));
            Map<String, Object> latest = new LinkedHashMap<>();
            latest.put("tree_size", latestTreeSize);
            latest.put("checkpoint", latestCheckpoint);
            latest.put("checkpoint_suite_id", latestCheckpointSuiteId);
            m.put("latest_checkpoint", latest);
            // each anchoring checkpoint once (its note is ~5 kB), the items name it by tree size
            Map<Long, Anchor> anchoring = new java.util.TreeMap<>();
            for (Item i : items) {
                if (i.anchor() != null) {
                    anchoring.putIfAbsent(i.anchor().treeSize(), i.anchor());
                }
            }
            List<Object> checkpoints = new ArrayList<>();
            for (Anchor a : anchoring.values()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("tree_size", a.treeSize());
                c.put("checkpoint", a.checkpointNote());
                c.put("checkpoint_suite_id", a.checkpointSuiteId());
                if (a.checkpointTimestamp() != null) {
                    c.put("timestamp_token", b64(a.checkpointTimestamp()));
                }
                checkpoints.add(c);
            }
            m.put("checkpoints", checkpoints);
            List<Object> seals = new ArrayList<>();
            for (Item i : items) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("role", i.role());
                s.put("receipt", b64(i.receipt()));
                Map<String, Object> sigs = new LinkedHashMap<>();
                if (i.signature() != null && i.signature().ed25519() != null) {
                    sigs.put("ed25519", b64(i.signature().ed25519()));
                }
                if (i.signature() != null && i.signature().mlDsa() != null) {
                    sigs.put("ml-dsa", b64(i.signature().mlDsa()));
                }
                s.put("signatures", sigs);
                if (i.anchor() != null) {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("leaf_index", i.anchor().leafIndex());
                    a.put("tree_size", i.anchor().treeSize());
                    a.put("inclusion_proof", i.anchor().inclusionProof().stream().map(EvidencePackage::b64).toList());
                    s.put("anchor", a);
                    s.put("consistency_proof", i.consistency().stream().map(EvidencePackage::b64).toList());
                }
                s.put("suite_status_at_commit", i.statusAtCommit());
                s.put("suite_status_now", i.statusNow());
                seals.add(s);
            }
            m.put("seals", seals);
            m.put("seal_count", (long) sealCount);
            m.put("complete", complete());
            m.put("missing", missing);
            return CanonicalJson.write(m);
        }

        /** Parses body bytes; any defect is MALFORMED_BUNDLE. */
        public static Body parse(byte[] body) {
            try {
                Map<String, Object> m = Json.asObject(Json.parse(body, MAX_BYTES), "evidence package body");
                if (!FORMAT.equals(Json.string(m, "format"))) {
                    throw new SealerException(Reason.MALFORMED_BUNDLE, "not a " + FORMAT + " body");
                }
                Map<String, Object> latest = Json.object(m, "latest_checkpoint");
                Map<Long, Map<String, Object>> checkpoints = new java.util.HashMap<>();
                for (Object o : Json.array(m, "checkpoints")) {
                    Map<String, Object> c = Json.asObject(o, "checkpoint");
                    if (checkpoints.put(Json.integer(c, "tree_size"), c) != null) {
                        throw new SealerException(Reason.MALFORMED_BUNDLE, "two checkpoints of tree size " + Json.integer(c, "tree_size"));
                    }
                }
                List<Item> items = new ArrayList<>();
                for (Object o : Json.array(m, "seals")) {
                    Map<String, Object> s = Json.asObject(o, "seal");
                    Map<String, Object> sigs = Json.object(s, "signatures");
                    DualSignature sig = new DualSignature(Json.optString(sigs, "ed25519").map(EvidencePackage::unb64).orElse(null),
                            Json.optString(sigs, "ml-dsa").map(EvidencePackage::unb64).orElse(null));
                    Anchor anchor = null;
                    List<byte[]> consistency = List.of();
                    Optional<Map<String, Object>> a = Json.optObject(s, "anchor");
                    if (a.isPresent()) {
                        Map<String, Object> am = a.get();
                        long size = Json.integer(am, "tree_size");
                        Map<String, Object> cp = checkpoints.get(size);
                        if (cp == null) {
                            throw new SealerException(Reason.MALFORMED_BUNDLE, "an anchor names checkpoint " + size + ", not in \"checkpoints\"");
                        }
                        anchor = new Anchor(Json.integer(am, "leaf_index"), size, hashes(Json.array(am, "inclusion_proof")),
                                Json.string(cp, "checkpoint"), Json.string(cp, "checkpoint_suite_id"),
                                Json.optString(cp, "timestamp_token").map(EvidencePackage::unb64).orElse(null));
                        consistency = hashes(Json.array(s, "consistency_proof"));
                    }
                    items.add(new Item(Json.string(s, "role"), unb64(Json.string(s, "receipt")), sig, anchor, consistency,
                            Json.string(s, "suite_status_at_commit"), Json.string(s, "suite_status_now")));
                }
                List<String> missing = Json.array(m, "missing").stream().map(x -> (String) x).toList();
                Body b = new Body(Json.string(m, "authority"), Json.object(m, "query"), Json.string(m, "requested_by"),
                        Rfc3339.parse(Json.string(m, "requested_at")), Json.string(m, "reason"),
                        TrustBundle.parse(CanonicalJson.writeString(Json.object(m, "trust_bundle"))), Json.string(latest, "checkpoint"),
                        Json.string(latest, "checkpoint_suite_id"), Json.integer(latest, "tree_size"), items,
                        Math.toIntExact(Json.integer(m, "seal_count")), missing);
                if (!Json.string(m, "root_keys_sha256").equals(rootFingerprint(b.trust()))) {
                    throw new SealerException(Reason.MALFORMED_BUNDLE, "root_keys_sha256 is not the fingerprint of the carried trust bundle's root keys");
                }
                if (Json.bool(m, "complete") != b.complete()) {
                    throw new SealerException(Reason.MALFORMED_BUNDLE, "\"complete\" contradicts \"missing\"");
                }
                return b;
            } catch (SealerException e) {
                throw e.reason() == Reason.MALFORMED_BUNDLE ? e : new SealerException(Reason.MALFORMED_BUNDLE, e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "not an evidence package body: " + e.getMessage(), e);
            }
        }
    }

    /** The file: the body's exact bytes and the authority's dual signature over them. */
    public record Envelope(byte[] body, String suiteId, DualSignature signature) {
        public String toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", ENVELOPE_FORMAT);
            m.put("body", b64(body));
            m.put("suite_id", suiteId);
            Map<String, Object> sigs = new LinkedHashMap<>();
            sigs.put("ed25519", b64(signature.ed25519()));
            sigs.put("ml-dsa", b64(signature.mlDsa()));
            m.put("signatures", sigs);
            return CanonicalJson.writeString(m);
        }

        /** Parses an envelope file; any defect is MALFORMED_BUNDLE. */
        public static Envelope parse(byte[] file) {
            try {
                Map<String, Object> m = Json.asObject(Json.parse(file.length > MAX_BYTES ? tooLarge(file.length) : file, MAX_BYTES), "evidence package");
                if (!ENVELOPE_FORMAT.equals(Json.string(m, "format"))) {
                    throw new SealerException(Reason.MALFORMED_BUNDLE, "not a " + ENVELOPE_FORMAT + " file");
                }
                Map<String, Object> sigs = Json.object(m, "signatures");
                return new Envelope(unb64(Json.string(m, "body")), Json.string(m, "suite_id"),
                        new DualSignature(unb64(Json.string(sigs, "ed25519")), unb64(Json.string(sigs, "ml-dsa"))));
            } catch (SealerException e) {
                throw e.reason() == Reason.MALFORMED_BUNDLE ? e : new SealerException(Reason.MALFORMED_BUNDLE, e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "not an evidence package: " + e.getMessage(), e);
            }
        }
    }

    /** What the authority signs: the evidence domain prefix, then the body's bytes. */
    public static byte[] signedMessage(byte[] body) {
        return SignedMessage.of(SignedMessage.EVIDENCE, body);
    }

    /**
     * A suite's status at {@code t}, the one wording the service states and the verifier
     * recomputes: {@code not-yet-signing}, {@code signing}, {@code overlap} (its signing window is
     * over, its handover to the next suite is not), {@code retired} (seals it made still verify),
     * or {@code revoked since <time>} once {@code t} is at or after its compromise.
     */
    public static String status(SuiteWindows w, Instant t) {
        if (w.revoked() && !t.isBefore(w.compromisedSince())) {
            return "revoked since " + Rfc3339.format(w.compromisedSince());
        }
        if (t.isBefore(w.signFrom())) {
            return "not-yet-signing";
        }
        if (w.signsAt(t)) {
            return "signing";
        }
        return t.isBefore(w.verifyUntil()) ? "overlap" : "retired";
    }

    /**
     * The fingerprint of a trust bundle's root keys, what every suite certificate and the status
     * list chain to: lowercase hex SHA-256 of the canonical JSON of its {@code root_keys} member.
     */
    public static String rootFingerprint(TrustBundle trust) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(CanonicalJson.write(trust.toJsonValue().get("root_keys"))));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] tooLarge(int n) {
        throw new SealerException(Reason.MALFORMED_BUNDLE, "evidence package of " + n + " bytes is over the " + MAX_BYTES + "-byte limit");
    }

    private static List<byte[]> hashes(List<Object> values) {
        return values.stream().map(v -> unb64((String) v)).toList();
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] unb64(String s) {
        return Base64.getDecoder().decode(s);
    }

    /** The body bytes as text (they are UTF-8 JSON). */
    public static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
