package dev.sealer.core.lineage;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.seal.Stage;
import dev.sealer.core.time.Rfc3339;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Verifies a meta-seal and the lineage it binds from a lineage file and a pinned trust bundle alone: pure computation,
 * the same for the service's VerifyLineage and the offline {@code sealer verify --lineage}. The steps (docs/lineage.md):
 * <ol>
 * <li>the meta-seal is a valid seal (signatures or anchor, suite windows, revocation: {@link SealVerifier}) whose digest is
 * SHA-256 of the manifest bytes, whose subject is the manifest's and whose labels name the manifest format and the policy;</li>
 * <li>the manifest is canonical and every seal it names is in the file, with the leaf hash, stage and parents the manifest
 * records for it, and verifies as a seal of its own (against the artifact digest when one is given for it);</li>
 * <li>the graph and the policy the manifest carries pass {@link LineageCheck} again.</li>
 * </ol>
 * The answer lists each node's own verdict; the lineage is VALID only when every node and the graph are.
 */
public final class LineageVerifier {
    public static final String META_SEAL = "meta-seal";
    public static final String BOUND = "bound";
    public static final String EXTERNAL_ROOT = "external-root";

    private final SealVerifier seals;

    public LineageVerifier(SealVerifier seals) {
        this.seals = seals;
    }

    /** One node of the answer: its role ({@value #META_SEAL}, {@value #BOUND}, {@value #EXTERNAL_ROOT}), seal, stage, suite and verdict. */
    public record NodeVerdict(String role, UUID sealId, Stage stage, String suiteId, Verdict verdict) {
    }

    /** The lineage's verdict (the first failure: the meta-seal, then the nodes in manifest order, then the graph), and every node's. */
    public record Report(Verdict verdict, UUID metaSealId, String policyId, String subject, List<NodeVerdict> nodes) {
        public boolean valid() {
            return verdict.valid();
        }
    }

    public Report verify(LineageFile file, Map<UUID, Digest> artifacts) {
        Receipt meta = file.metaSeal().receipt();
        byte[] manifestBytes = file.manifest();
        Verdict metaVerdict = seals.verify(file.metaSeal(), Optional.of(LineageManifest.digestOf(manifestBytes)));
        if (!metaVerdict.valid() && metaVerdict.reason() == Reason.ANCHOR_MISMATCH) {
            metaVerdict = Verdict.invalid(Reason.ANCHOR_MISMATCH, "the manifest is not the one meta-seal " + meta.sealId() + " commits to: " + metaVerdict.detail());
        }
        List<NodeVerdict> nodes = new ArrayList<>();
        LineageManifest manifest;
        try {
            manifest = LineageManifest.parse(manifestBytes);
        } catch (SealerException e) {
            nodes.add(new NodeVerdict(META_SEAL, meta.sealId(), meta.stage(), meta.suiteId(), metaVerdict.valid() ? Verdict.invalid(e.reason(), e.getMessage()) : metaVerdict));
            return new Report(nodes.getFirst().verdict(), meta.sealId(), meta.labels().getOrDefault(LineageManifest.LABEL_POLICY, ""), meta.subject(), nodes);
        }
        if (metaVerdict.valid()) {
            metaVerdict = metaReceiptMatches(meta, manifest).orElse(metaVerdict);
        }
        nodes.add(new NodeVerdict(META_SEAL, meta.sealId(), meta.stage(), meta.suiteId(), metaVerdict));

        Map<UUID, SealBundle> byId = new HashMap<>();
        for (SealBundle b : file.seals()) {
            byId.put(b.receipt().sealId(), b);
        }
        for (LineageNode n : manifest.bound()) {
            nodes.add(node(BOUND, n, byId.get(n.sealId()), artifacts.get(n.sealId())));
        }
        for (LineageNode n : manifest.externalRoots()) {
            nodes.add(node(EXTERNAL_ROOT, n, byId.get(n.sealId()), artifacts.get(n.sealId())));
        }
        Optional<LineageCheck.Problem> graph = LineageCheck.check(manifest.bound(), manifest.externalRoots(), manifest.policy());

        Verdict overall;
        Optional<NodeVerdict> failed = nodes.stream().filter(v -> !v.verdict().valid()).findFirst();
        if (failed.isPresent()) {
            NodeVerdict f = failed.get();
            overall = Verdict.invalid(f.verdict().reason(), f.role() + " seal " + f.sealId() + (f.stage() == null ? "" : " (stage " + f.stage().id() + ")")
                    + ": " + f.verdict().detail());
        } else if (graph.isPresent()) {
            overall = Verdict.invalid(graph.get().reason(), "the lineage does not satisfy policy " + manifest.policy().id() + ": " + graph.get().message());
        } else {
            overall = Verdict.valid("meta-seal " + meta.sealId() + " of " + meta.subject() + " binds " + manifest.bound().size() + " seal(s)"
                    + (manifest.externalRoots().isEmpty() ? "" : " and " + manifest.externalRoots().size() + " external root(s)")
                    + "; every seal is valid and the lineage satisfies policy " + manifest.policy().id());
        }
        return new Report(overall, meta.sealId(), manifest.policy().id(), manifest.subject(), List.copyOf(nodes));
    }

    /** What is wrong with the meta-seal's receipt for this manifest (subject, labels, stage), if anything. */
    private static Optional<Verdict> metaReceiptMatches(Receipt meta, LineageManifest manifest) {
        if (!meta.subject().equals(manifest.subject())) {
            return Optional.of(Verdict.invalid(Reason.ANCHOR_MISMATCH, "the meta-seal's subject is not the manifest's"));
        }
        for (Map.Entry<String, String> e : manifest.labels().entrySet()) {
            if (!e.getValue().equals(meta.labels().get(e.getKey()))) {
                return Optional.of(Verdict.invalid(Reason.ANCHOR_MISMATCH, "the meta-seal's label " + e.getKey() + " is not '" + e.getValue() + "'"));
            }
        }
        return Optional.empty();
    }

    private NodeVerdict node(String role, LineageNode n, SealBundle bundle, Digest artifact) {
        if (bundle == null) {
            return new NodeVerdict(role, n.sealId(), n.stage(), "", Verdict.invalid(Reason.UNKNOWN_SEAL, "the lineage file has no seal bundle for it"));
        }
        Receipt r = bundle.receipt();
        if (!MessageDigest.isEqual(Rfc6962.leafHash(r.canonicalBytes()), n.leafHash())) {
            return new NodeVerdict(role, n.sealId(), n.stage(), r.suiteId(), Verdict.invalid(Reason.ANCHOR_MISMATCH,
                    "its receipt is not the one the meta-seal bound (leaf hash " + HexFormat.of().formatHex(n.leafHash()) + ")"));
        }
        if (r.stage() != n.stage() || !r.parents().equals(n.parents())) {
            return new NodeVerdict(role, n.sealId(), n.stage(), r.suiteId(), Verdict.invalid(Reason.ANCHOR_MISMATCH,
                    "the manifest's stage or parents are not its receipt's"));
        }
        Verdict v = seals.verify(bundle, Optional.ofNullable(artifact));
        if (!v.valid() && v.reason() == Reason.SUITE_REVOKED) {
            // which stage, which seal, since when: the suite's compromise time, as the trust bundle states it
            String since = seals.windows(r.suiteId()).filter(w -> w.revoked()).map(w -> Rfc3339.format(w.compromisedSince())).orElse("?");
            v = Verdict.invalid(Reason.SUITE_REVOKED, "stage " + n.stage().id() + ", seal " + n.sealId() + ", suite " + r.suiteId() + " revoked, compromised since "
                    + since + ": " + v.detail());
        }
        return new NodeVerdict(role, n.sealId(), n.stage(), r.suiteId(), v);
    }
}
