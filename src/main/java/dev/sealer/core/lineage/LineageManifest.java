package dev.sealer.core.lineage;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.json.JsonFormatException;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.core.seal.Stage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a meta-seal commits to (docs/lineage.md, "What a meta-seal commits to"): the subject, the lifecycle policy it was
 * checked against (in full), and every seal it binds and every external root, each as seal id, stage, parents and leaf
 * hash, in canonical order (ascending seal id). The parents of each node are the dependency graph. Written in Sealer's
 * canonical JSON; the meta-seal's receipt carries {@code SHA-256} of exactly these bytes as its digest, so the receipt's
 * signatures (or its log anchor) cover the manifest, and the manifest's leaf hashes cover every bound receipt.
 */
public record LineageManifest(String subject, LifecyclePolicy policy, List<LineageNode> bound, List<LineageNode> externalRoots) {
    public static final String FORMAT = "sealer-lineage-manifest/v1";
    /** Label keys a meta-seal's receipt carries (reserved: a plain seal may not use the {@value #LABEL_PREFIX} prefix). */
    public static final String LABEL_PREFIX = SealLimits.RESERVED_LABEL_PREFIX;
    public static final String LABEL_MANIFEST = LABEL_PREFIX + "manifest";
    public static final String LABEL_POLICY = LABEL_PREFIX + "policy";
    /** The stage of every meta-seal's receipt: a meta-seal is about the lifecycle, not one stage of it. */
    public static final Stage META_SEAL_STAGE = Stage.OTHER;
    /** The largest manifest read (1,000 seals with 64 parents each fit). */
    public static final int MAX_BYTES = 16 << 20;

    public LineageManifest {
        SealLimits.subject(subject);
        bound = bound.stream().sorted(LineageCheck.CANONICAL).toList();
        externalRoots = externalRoots.stream().sorted(LineageCheck.CANONICAL).toList();
    }

    /** The canonical bytes: keys sorted, no whitespace, ASCII only (as receipts). */
    public byte[] toBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bound", bound.stream().map(LineageManifest::node).toList());
        m.put("external_roots", externalRoots.stream().map(LineageManifest::node).toList());
        m.put("format", FORMAT);
        m.put("policy", policy.toJsonValue());
        m.put("subject", subject);
        return CanonicalJson.write(m);
    }

    /** The digest the meta-seal's receipt carries: SHA-256 of {@link #toBytes()}. */
    public Digest digest() {
        return digestOf(toBytes());
    }

    public static Digest digestOf(byte[] manifest) {
        try {
            return new Digest(DigestAlgorithm.SHA_256, MessageDigest.getInstance("SHA-256").digest(manifest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The labels of the meta-seal's receipt that name the manifest format and the policy. */
    public Map<String, String> labels() {
        return Map.of(LABEL_MANIFEST, FORMAT, LABEL_POLICY, policy.id());
    }

    /** Every node, bound then external roots, each in canonical order. */
    public List<LineageNode> nodes() {
        List<LineageNode> all = new ArrayList<>(bound);
        all.addAll(externalRoots);
        return all;
    }

    private static Map<String, Object> node(LineageNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leaf_hash", HexFormat.of().formatHex(n.leafHash()));
        m.put("parents", n.parents().stream().map(UUID::toString).toList());
        m.put("seal_id", n.sealId().toString());
        m.put("stage", n.stage().id());
        return m;
    }

    /** Parses manifest bytes; anything but a canonical {@value #FORMAT} document is MALFORMED_BUNDLE. */
    public static LineageManifest parse(byte[] bytes) {
        LineageManifest m;
        try {
            Map<String, Object> o = Json.asObject(Json.parse(bytes, MAX_BYTES), "manifest");
            if (!o.keySet().equals(java.util.Set.of("bound", "external_roots", "format", "policy", "subject"))) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "a manifest has exactly the members bound, external_roots, format, policy, subject");
            }
            if (!FORMAT.equals(Json.string(o, "format"))) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "not a " + FORMAT + " manifest");
            }
            m = new LineageManifest(Json.string(o, "subject"), LifecyclePolicy.fromJsonValue(Json.object(o, "policy")), nodes(Json.array(o, "bound")),
                    nodes(Json.array(o, "external_roots")));
        } catch (JsonFormatException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "the manifest is not valid JSON: " + e.getMessage(), e);
        } catch (SealerException e) {
            throw e.reason() == Reason.MALFORMED_BUNDLE ? e : new SealerException(Reason.MALFORMED_BUNDLE, "invalid manifest: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "invalid manifest: " + e.getMessage(), e);
        }
        if (!java.util.Arrays.equals(m.toBytes(), bytes)) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "the manifest is not in canonical form (members, order or seal order)");
        }
        return m;
    }

    private static List<LineageNode> nodes(List<Object> array) {
        List<LineageNode> out = new ArrayList<>();
        for (Object o : array) {
            Map<String, Object> n = Json.asObject(o, "manifest node");
            if (!n.keySet().equals(java.util.Set.of("leaf_hash", "parents", "seal_id", "stage"))) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "a manifest node has exactly the members leaf_hash, parents, seal_id, stage");
            }
            List<UUID> parents = new ArrayList<>();
            for (Object p : Json.array(n, "parents")) {
                parents.add(SealLimits.sealId(String.valueOf(p), Reason.MALFORMED_BUNDLE));
            }
            byte[] leaf = HexFormat.of().parseHex(Json.string(n, "leaf_hash"));
            if (leaf.length != 32) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "a leaf hash is 32 bytes");
            }
            out.add(new LineageNode(SealLimits.sealId(Json.string(n, "seal_id"), Reason.MALFORMED_BUNDLE), Stage.fromId(Json.string(n, "stage")),
                    parents, leaf));
        }
        return out;
    }
}
