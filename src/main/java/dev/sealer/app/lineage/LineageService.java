package dev.sealer.app.lineage;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.seal.CommitQueue;
import dev.sealer.app.seal.SealCommand;
import dev.sealer.app.seal.SealQueries;
import dev.sealer.app.seal.SealView;
import dev.sealer.app.seal.SealWriter;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.error.InvalidRequestException;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.integrity.Finding;
import dev.sealer.core.lineage.LifecyclePolicy;
import dev.sealer.core.lineage.LineageCheck;
import dev.sealer.core.lineage.LineageFile;
import dev.sealer.core.lineage.LineageManifest;
import dev.sealer.core.lineage.LineageNode;
import dev.sealer.core.lineage.LineageVerifier;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.core.suite.DualSignature;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Where a meta-seal is made, and where a lineage is assembled and verified. A meta-seal is an ordinary seal (made by
 * {@link SealWriter}: dual-signed or anchored, in the log) whose digest is SHA-256 of a {@link LineageManifest}; the manifest
 * is stored, content-addressed, before the seal is committed. Every stored seal read here is checked against its row
 * authenticators ({@link RowGuard}), and a stored manifest against its meta-seal's digest, before it is used.
 */
@Singleton
public class LineageService {
    @Inject
    Storage storage;
    @Inject
    RowGuard guard;
    @Inject
    SealWriter writer;
    @Inject
    SealQueries queries;
    @Inject
    LifecyclePolicies policies;
    @Inject
    SuiteRegistry suites;

    /** A CreateMetaSeal request as the handler maps it; every field is checked here. */
    public record MetaSealCommand(String requestId, String subject, List<String> sealIds, List<String> externalRootIds, String policy,
            int policyVersion, Map<String, String> labels, String signer, SealCommand.Mode mode) {
    }

    /** The meta-seal made (or replayed), the manifest it commits to, and the policy it was checked against. */
    public record Created(SealView metaSeal, byte[] manifest, LifecyclePolicy policy, int boundCount) {
    }

    public CompletableFuture<Created> create(MetaSealCommand cmd, CommitQueue.Admission admission) {
        SealLimits.requestId(cmd.requestId());
        SealLimits.subject(cmd.subject());
        SealLimits.unreserved(cmd.labels());
        SealLimits.labels(cmd.labels());
        if (cmd.labels().size() > SealLimits.MAX_LABELS - 2) {
            throw new SealerException(Reason.INVALID_LABELS, "a meta-seal takes at most " + (SealLimits.MAX_LABELS - 2)
                    + " labels of its own (its receipt carries two more: sealer.lineage/manifest and sealer.lineage/policy)");
        }
        LifecyclePolicy policy = policies.resolve(cmd.policy(), cmd.policyVersion());
        if (cmd.sealIds().isEmpty()) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "seal_ids: a meta-seal binds at least one seal");
        }
        if (cmd.sealIds().size() > LineageCheck.MAX_BOUND || cmd.externalRootIds().size() > LineageCheck.MAX_EXTERNAL_ROOTS) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "a meta-seal binds at most " + LineageCheck.MAX_BOUND + " seals and "
                    + LineageCheck.MAX_EXTERNAL_ROOTS + " external roots");
        }
        List<UUID> bound = ids(cmd.sealIds(), "seal_ids");
        List<UUID> external = ids(cmd.externalRootIds(), "external_root_ids");
        Set<UUID> all = new LinkedHashSet<>(bound);
        for (UUID id : external) {
            if (!all.add(id)) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "seal " + id + " is both bound and listed as an external root");
            }
        }
        Map<UUID, StoredSeal> stored = readAuthentic(all);
        for (UUID id : all) {
            if (!stored.containsKey(id)) {
                throw new InvalidRequestException(Reason.UNKNOWN_SEAL, "seal " + id + (bound.contains(id) ? "" : " (external root)")
                        + " does not exist: a meta-seal binds only seals of this authority");
            }
        }
        List<LineageNode> boundNodes = bound.stream().map(id -> node(stored.get(id))).toList();
        List<LineageNode> externalNodes = external.stream().map(id -> node(stored.get(id))).toList();
        LineageCheck.require(boundNodes, externalNodes, policy);

        LineageManifest manifest = new LineageManifest(cmd.subject(), policy, boundNodes, externalNodes);
        byte[] bytes = manifest.toBytes();
        Digest digest = LineageManifest.digestOf(bytes);
        storage.transaction("storing a lineage manifest", t -> t.lineage().insertManifest(digest.value(), bytes));
        Map<String, String> labels = new TreeMap<>(cmd.labels());
        labels.putAll(manifest.labels());
        SealCommand seal = new SealCommand(cmd.requestId(), digest, cmd.subject(), LineageManifest.META_SEAL_STAGE, labels, List.of(), cmd.signer(),
                cmd.mode());
        return writer.seal(seal, admission).thenApply(view -> {
            if (!view.receipt().labels().containsKey(LineageManifest.LABEL_MANIFEST)) {
                // the request id was used for a plain seal of this very digest: not this meta-seal
                throw new SealerException(Reason.REQUEST_ID_CONFLICT, "request_id '" + cmd.requestId() + "' was already used for seal "
                        + view.stored().sealId() + ", which is not a meta-seal");
            }
            return new Created(view, bytes, policy, boundNodes.size());
        });
    }

    /**
     * The lineage file of a stored meta-seal: its bundle, its manifest and the bundle of every seal the manifest names, each
     * with its signatures and its anchor at the first checkpoint covering it. A seal without signatures that no checkpoint
     * covers yet cannot be verified offline: PARTIAL_EVIDENCE (retry after the next checkpoint).
     */
    public LineageFile file(UUID metaSealId) {
        StoredSeal meta = queries.find(metaSealId).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SEAL, "no seal " + metaSealId));
        byte[] bytes = manifestOf(meta);
        LineageManifest manifest = LineageManifest.parse(bytes);
        List<UUID> ids = manifest.nodes().stream().map(LineageNode::sealId).toList();
        Map<UUID, StoredSeal> stored = readAuthentic(ids);
        List<SealBundle> bundles = new ArrayList<>();
        for (UUID id : ids) {
            StoredSeal s = stored.get(id);
            if (s == null) {
                guard.report(Finding.of("receipts", "seal " + id, "bound by meta-seal " + metaSealId + " but not stored"));
                throw new SealerException(Reason.ANCHOR_MISMATCH, "seal " + id + ", bound by meta-seal " + metaSealId + ", is not stored");
            }
            bundles.add(bundle(s));
        }
        return new LineageFile(bundle(meta), bytes, bundles);
    }

    /** VerifyLineage by id: the stored meta-seal's lineage file, verified as the offline verifier verifies it. */
    public LineageVerifier.Report verify(UUID metaSealId, Map<UUID, Digest> artifacts) {
        return verify(file(metaSealId), artifacts);
    }

    /** VerifyLineage of a file passed in: the current trust bundle, the same verifier as {@code sealer verify --lineage}. */
    public LineageVerifier.Report verify(LineageFile file, Map<UUID, Digest> artifacts) {
        return new LineageVerifier(suites.state().verifier()).verify(file, artifacts);
    }

    /** The manifest a stored meta-seal commits to, checked against its (authenticated) digest. */
    private byte[] manifestOf(StoredSeal meta) {
        if (!meta.receipt().labels().containsKey(LineageManifest.LABEL_MANIFEST)) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "seal " + meta.sealId() + " is not a meta-seal");
        }
        Digest digest = meta.receipt().digest();
        byte[] bytes = storage.read("reading a lineage manifest", t -> t.lineage().manifest(digest.value())).orElse(null);
        if (bytes == null || !LineageManifest.digestOf(bytes).matches(digest)) {
            String what = bytes == null ? "is missing" : "does not hash to the meta-seal's digest: changed or not written by this authority";
            guard.report(Finding.of("lineage_manifests", "sha256 " + digest.hex(), "the manifest of meta-seal " + meta.sealId() + " " + what));
            throw new SealerException(Reason.ANCHOR_MISMATCH, "the stored manifest of meta-seal " + meta.sealId() + " " + what);
        }
        return bytes;
    }

    private SealBundle bundle(StoredSeal s) {
        Anchor anchor = queries.earliestAnchorOf(s).orElse(null);
        boolean unsigned = s.sigEd25519() == null;
        if (unsigned && anchor == null) {
            throw new SealerException(Reason.PARTIAL_EVIDENCE, "seal " + s.sealId() + " has no signatures and no checkpoint covers it yet: "
                    + "retry after the next checkpoint (sealer.log.checkpoint-max-delay)");
        }
        return new SealBundle(s.receipt(), new DualSignature(s.sigEd25519(), s.sigMlDsa()), anchor);
    }

    /** The stored seals with these ids, each checked against its row authenticators (ANCHOR_MISMATCH otherwise). */
    private Map<UUID, StoredSeal> readAuthentic(java.util.Collection<UUID> ids) {
        Map<UUID, StoredSeal> out = new HashMap<>();
        for (StoredSeal s : storage.read("reading the seals of a lineage", t -> t.receipts().bySealIds(ids))) {
            out.put(s.sealId(), guard.requireAuthentic(s));
        }
        return out;
    }

    private static LineageNode node(StoredSeal s) {
        return LineageNode.of(s.receipt(), s.leafHash());
    }

    private static List<UUID> ids(List<String> texts, String field) {
        List<UUID> out = new ArrayList<>(texts.size());
        Set<UUID> seen = new java.util.HashSet<>();
        for (String t : texts) {
            UUID id = SealLimits.sealId(t, Reason.INVALID_ARGUMENT);
            if (!seen.add(id)) {
                throw new SealerException(Reason.INVALID_ARGUMENT, field + ": seal " + id + " is listed twice");
            }
            out.add(id);
        }
        return out;
    }
}
