package dev.sealer.core.seal;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.suite.DualSignature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A self-contained seal as JSON, for the offline verifier: the receipt as the exact bytes that
 * were signed and hashed into the log (base64), the suite's two signatures (SIGNED mode) and/or
 * the log anchor: inclusion proof plus the dual-signed checkpoint covering it (ANCHORED mode).
 *
 * <p>Written as {@value #FORMAT}. {@value #FORMAT_V1} bundles (handed out before, with the receipt
 * as a JSON object a verifier had to re-canonicalise) are still read, so the seals they hold keep
 * verifying.
 */
public record SealBundle(Receipt receipt, DualSignature signature, Anchor anchor) {
    public static final String FORMAT = "sealer-seal-bundle/v2";
    public static final String FORMAT_V1 = "sealer-seal-bundle/v1";

    public SealBundle(Receipt receipt, DualSignature signature) {
        this(receipt, signature, null);
    }

    public Map<String, Object> toJsonValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("receipt", Base64.getEncoder().encodeToString(receipt.canonicalBytes()));
        Map<String, Object> sigs = new LinkedHashMap<>();
        if (signature.ed25519() != null) {
            sigs.put("ed25519", Base64.getEncoder().encodeToString(signature.ed25519()));
        }
        if (signature.mlDsa() != null) {
            sigs.put("ml-dsa", Base64.getEncoder().encodeToString(signature.mlDsa()));
        }
        m.put("signatures", sigs);
        if (anchor != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("leaf_index", anchor.leafIndex());
            a.put("tree_size", anchor.treeSize());
            a.put("inclusion_proof", anchor.inclusionProof().stream().map(h -> Base64.getEncoder().encodeToString(h)).toList());
            a.put("checkpoint", anchor.checkpointNote());
            a.put("checkpoint_suite_id", anchor.checkpointSuiteId());
            if (anchor.checkpointTimestamp() != null) {
                a.put("checkpoint_timestamp", Base64.getEncoder().encodeToString(anchor.checkpointTimestamp()));
            }
            m.put("anchor", a);
        }
        return m;
    }

    public String toJson() {
        return CanonicalJson.writeString(toJsonValue());
    }

    /**
     * Parses a bundle; a missing signature is kept absent (verification then fails). Any defect of the
     * document (not JSON, wrong types, bad base64, an invalid receipt field, an unknown field) is
     * {@code SealerException(MALFORMED_BUNDLE)}: the one rule both the Verify RPC and {@code sealer verify} apply.
     */
    public static SealBundle parse(String json) {
        Map<String, Object> m;
        try {
            m = Json.parseObject(json);
        } catch (SealerException e) {
            throw e.reason() == Reason.MALFORMED_BUNDLE ? e : new SealerException(Reason.MALFORMED_BUNDLE, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "malformed seal bundle: " + e.getMessage(), e);
        }
        return fromJsonValue(m);
    }

    /** As {@link #parse}, for a bundle already read as a JSON object (inside a larger document, e.g. a lineage file). */
    public static SealBundle fromJsonValue(Map<String, Object> m) {
        try {
            String format = Json.string(m, "format");
            Base64.Decoder b64 = Base64.getDecoder();
            Receipt receipt;
            if (FORMAT.equals(format)) {
                receipt = Receipt.parse(b64.decode(Json.string(m, "receipt")));
            } else if (FORMAT_V1.equals(format)) {
                receipt = Receipt.fromJsonValue(Json.object(m, "receipt"));
            } else {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "not a " + FORMAT + " (or " + FORMAT_V1 + ") document");
            }
            Map<String, Object> sigs = Json.object(m, "signatures");
            byte[] ed = Json.optString(sigs, "ed25519").map(b64::decode).orElse(null);
            byte[] pq = Json.optString(sigs, "ml-dsa").map(b64::decode).orElse(null);
            Anchor anchor = null;
            var a = Json.optObject(m, "anchor");
            if (a.isPresent()) {
                var am = a.get();
                anchor = new Anchor(Json.integer(am, "leaf_index"), Json.integer(am, "tree_size"),
                        Json.array(am, "inclusion_proof").stream().map(o -> b64.decode(String.valueOf(o))).toList(),
                        Json.string(am, "checkpoint"), Json.string(am, "checkpoint_suite_id"),
                        Json.optString(am, "checkpoint_timestamp").map(b64::decode).orElse(null));
            }
            return new SealBundle(receipt, new DualSignature(ed, pq), anchor);
        } catch (SealerException e) {
            throw e.reason() == Reason.MALFORMED_BUNDLE ? e : new SealerException(Reason.MALFORMED_BUNDLE, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "malformed seal bundle: " + e.getMessage(), e);
        }
    }
}
