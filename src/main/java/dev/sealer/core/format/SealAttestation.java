package dev.sealer.core.format;

import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.error.Reason;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteWindows;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Any seal as an in-toto Statement v1 in a DSSE envelope signed by a suite's two keys
 * (docs/formats.md §3). The predicate is the seal bundle itself, so the receipt's own dual
 * signature or anchor still proves it; parents are resource descriptors pointing at their
 * receipts by digest, so a lineage reads as a chain of attestations.
 */
public final class SealAttestation {
    public static final String PREDICATE_TYPE = "https://sealer.dev/receipt/v1";

    private SealAttestation() {
    }

    /** A parent of the exported seal: its id, subject and exact receipt bytes (whose SHA-256 the descriptor carries). */
    public record Parent(UUID sealId, String subject, byte[] receiptBytes) {
        public Parent {
            receiptBytes = receiptBytes.clone();
        }

        public static Parent of(Receipt r) {
            return new Parent(r.sealId(), r.subject(), r.canonicalBytes());
        }
    }

    /** The in-toto DigestSet name of a Sealer digest algorithm. */
    public static String digestName(DigestAlgorithm a) {
        return switch (a) {
            case SHA_256 -> "sha256";
            case SHA_384 -> "sha384";
            case SHA_512 -> "sha512";
            case SHA3_256 -> "sha3_256";
            case SHA3_512 -> "sha3_512";
        };
    }

    /** The statement's canonical bytes: the DSSE payload. */
    public static byte[] statement(SealBundle seal, List<Parent> parents) {
        Receipt r = seal.receipt();
        List<Object> descriptors = new ArrayList<>();
        for (Parent p : parents) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", p.sealId().toString());
            d.put("uri", "urn:uuid:" + p.sealId());
            d.put("digest", Map.of("sha256", HexFormat.of().formatHex(OmsStatement.sha256().digest(p.receiptBytes))));
            d.put("annotations", Map.of("subject", p.subject()));
            descriptors.add(d);
        }
        Map<String, Object> predicate = new LinkedHashMap<>();
        predicate.put("seal", seal.toJsonValue());
        predicate.put("receipt", r.toJsonValue());
        predicate.put("parents", descriptors);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_type", OmsStatement.STATEMENT_TYPE);
        m.put("subject", List.of(Map.of("name", r.subject(), "digest", Map.of(digestName(r.digest().algorithm()), r.digest().hex()))));
        m.put("predicateType", PREDICATE_TYPE);
        m.put("predicate", predicate);
        return CanonicalJson.write(m);
    }

    /** The envelope around {@code statement} with the suite's two signatures over its PAE, Ed25519 first. */
    public static Dsse.Envelope envelope(byte[] statement, String suiteId, SignatureAlgorithm pq, DualSignature overPae) {
        return new Dsse.Envelope(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, List.of(
                new Dsse.Signature(KeyIds.of(suiteId, SignatureAlgorithm.ED25519), overPae.ed25519()),
                new Dsse.Signature(KeyIds.of(suiteId, pq), overPae.mlDsa())));
    }

    /** The checked export: the verdict and, when it could be read, the seal it carries. */
    public record Checked(Verdict verdict, SealBundle seal, List<String> parentSealIds) {
    }

    /**
     * Checks an export: both DSSE signatures by one suite the trust bundle certifies and that is not
     * revoked, the statement's shape, its subject against the receipt, and the seal inside (as
     * {@code sealer verify --seal}).
     */
    public static Checked verify(Dsse.Envelope env, SealVerifier verifier) {
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(env.payloadType())) {
            return failed(Reason.MALFORMED_BUNDLE, "payload type is " + env.payloadType() + ", not " + Dsse.IN_TOTO_PAYLOAD_TYPE);
        }
        byte[] pae = env.pae();
        String suiteId = null;
        boolean ed = false;
        boolean pq = false;
        for (Dsse.Signature s : env.signatures()) {
            Optional<KeyIds.Named> n = KeyIds.parse(s.keyId());
            if (n.isEmpty()) {
                return failed(Reason.UNKNOWN_SUITE, "key id '" + s.keyId() + "' does not name a suite key");
            }
            if (suiteId != null && !suiteId.equals(n.get().suiteId())) {
                return failed(Reason.SIGNATURE_INVALID, "the signatures name two suites, " + suiteId + " and " + n.get().suiteId());
            }
            suiteId = n.get().suiteId();
            Optional<Verdict> bad = KeyIds.problem(s.keyId(), s.sig(), pae, verifier);
            if (bad.isPresent()) {
                return new Checked(bad.get(), null, List.of());
            }
            if (n.get().algorithm() == SignatureAlgorithm.ED25519) {
                ed = true;
            } else {
                pq = true;
            }
        }
        if (!ed || !pq) {
            return failed(Reason.SIGNATURE_INVALID, "a Sealer export carries both the ed25519 and the ML-DSA signature");
        }
        Optional<SuiteWindows> w = verifier.windows(suiteId);
        if (w.isPresent() && w.get().revoked()) {
            return failed(Reason.SUITE_REVOKED, "suite " + suiteId + ", which signed the export, is revoked");
        }
        SealBundle seal;
        List<String> parents = new ArrayList<>();
        try {
            Map<String, Object> m = Json.parseObject(env.payload());
            if (!OmsStatement.STATEMENT_TYPE.equals(Json.string(m, "_type")) || !PREDICATE_TYPE.equals(Json.string(m, "predicateType"))) {
                return failed(Reason.MALFORMED_BUNDLE, "not an in-toto Statement v1 with predicate type " + PREDICATE_TYPE);
            }
            Map<String, Object> predicate = Json.object(m, "predicate");
            seal = SealBundle.fromJsonValue(Json.object(predicate, "seal"));
            Receipt r = seal.receipt();
            List<Object> subjects = Json.array(m, "subject");
            Map<String, Object> subject = Json.asObject(subjects.get(0), "subject[0]");
            Map<String, Object> digest = Json.object(subject, "digest");
            if (subjects.size() != 1 || !r.subject().equals(Json.string(subject, "name"))
                    || !r.digest().hex().equals(Json.optString(digest, digestName(r.digest().algorithm())).orElse(null))) {
                return failed(Reason.ANCHOR_MISMATCH, "the statement's subject is not the receipt's subject and digest");
            }
            for (Object o : Json.array(predicate, "parents")) {
                parents.add(Json.string(Json.asObject(o, "parents[]"), "name"));
            }
            if (!parents.equals(r.parents().stream().map(UUID::toString).toList())) {
                return failed(Reason.ANCHOR_MISMATCH, "the statement's parents are not the receipt's parents");
            }
        } catch (SealerException e) {
            return failed(Reason.MALFORMED_BUNDLE, e.getMessage());
        } catch (RuntimeException e) {
            return failed(Reason.MALFORMED_BUNDLE, "malformed statement: " + e.getMessage());
        }
        Verdict v = verifier.verify(seal, Optional.empty());
        if (!v.valid()) {
            return new Checked(Verdict.invalid(v.reason(), "the seal in the export: " + v.detail()), seal, parents);
        }
        return new Checked(Verdict.valid("in-toto export of seal " + seal.receipt().sealId() + " signed by suite " + suiteId
                + " (ed25519 and " + verifier.trust().suite(suiteId).get().pqAlgorithm().id() + "): " + v.detail()), seal, parents);
    }

    private static Checked failed(Reason reason, String detail) {
        return new Checked(Verdict.invalid(reason, detail), null, List.of());
    }
}
