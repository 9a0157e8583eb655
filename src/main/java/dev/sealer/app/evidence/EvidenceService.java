package dev.sealer.app.evidence;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.log.TransparencyLog;
import dev.sealer.app.seal.SealQueries;
import dev.sealer.app.seal.SealView;
import dev.sealer.app.storage.AuditEvent;
import dev.sealer.app.storage.SealFilter;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredCheckpoint;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.evidence.EvidencePackage;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteWindows;
import dev.sealer.core.verify.SealVerifier;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Where an evidence package is materialized (LCM: evidence on demand from the stored anchors):
 * the seals of one query, each with its signatures, its inclusion proof to the checkpoint that
 * first anchored it and a consistency proof to the latest checkpoint, the trust bundle, the
 * suite statuses, optionally the ancestors; signed by the active suite and recorded in the audit
 * trail (synchronously, before it is answered) with who asked, what, why and the package digest.
 * A part that cannot be included is named: PARTIAL_EVIDENCE, or a package marked incomplete when
 * the caller allows it; never a half package presented as complete.
 */
@Singleton
public class EvidenceService {
    /** Generations of parents followed, and ancestors included per package at most. */
    static final int MAX_GENERATIONS = 16;
    static final int MAX_ANCESTORS = 1000;
    static final String ACTION = "sealer.v1.AuditService/MaterializeEvidence";

    @Inject
    SealQueries queries;
    @Inject
    TransparencyLog log;
    @Inject
    SuiteRegistry suites;
    @Inject
    Storage storage;
    @Inject
    RowGuard guard;

    /** What to materialize: one seal by id, or one page of a seal query. */
    public record Query(UUID sealId, SealFilter filter, String pageToken, int pageSize, String reason, boolean includeLineage, boolean allowPartial) {
        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (sealId != null) {
                m.put("seal_id", sealId.toString());
            } else {
                if (filter.requestId() != null) {
                    m.put("request_id", filter.requestId());
                }
                if (filter.subject() != null) {
                    m.put("subject", filter.subject());
                }
                if (filter.signer() != null) {
                    m.put("signer", filter.signer());
                }
                if (filter.from() != null) {
                    m.put("committed_from", dev.sealer.core.time.Rfc3339.format(filter.from()));
                    m.put("committed_to", dev.sealer.core.time.Rfc3339.format(filter.to()));
                }
                m.put("page_size", (long) pageSize);
                m.put("page_token", pageToken == null ? "" : pageToken);
            }
            m.put("include_lineage", includeLineage);
            return m;
        }
    }

    /** The package file, its SHA-256 (as audited), how many seals the query selected, and the next page. */
    /** The package file and, in package order (seals, then ancestors), the seals it holds. */
    public record Materialized(byte[] packageJson, byte[] sha256, int sealCount, boolean complete, String nextPageToken, List<StoredSeal> included) {
    }

    public Materialized materialize(Query q, String actor) {
        List<StoredSeal> selected;
        String next = "";
        if (q.sealId() != null) {
            selected = List.of(queries.find(q.sealId()).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SEAL, "no seal " + q.sealId())));
        } else {
            SealView.Page page = queries.list(q.filter(), q.pageToken(), q.pageSize());
            selected = page.seals().stream().map(SealView::stored).toList();
            next = page.nextPageToken();
        }
        StoredCheckpoint latest = log.checkpoint(0);
        List<String> missing = new ArrayList<>();
        List<StoredSeal> all = new ArrayList<>(selected);
        if (q.includeLineage()) {
            all.addAll(ancestors(selected, missing));
        }
        try (SuiteRegistry.SigningLease lease = suites.signing()) {
            Instant now = lease.at();
            // the statuses as a verifier computes them from the trust bundle the package carries: one rule
            SealVerifier windows = new SealVerifier(lease.state().trust());
            List<EvidencePackage.Item> items = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                items.add(item(all.get(i), i < selected.size() ? "seal" : "ancestor", latest, windows, now, missing));
            }
            EvidencePackage.Body body = new EvidencePackage.Body(log.origin().replaceFirst("/log$", ""), q.describe(), actor, now, q.reason(),
                    lease.state().trust(), latest.note(), latest.suiteId(), latest.treeSize(), items, selected.size(), List.copyOf(missing));
            if (!body.complete() && !q.allowPartial()) {
                throw new SealerException(Reason.PARTIAL_EVIDENCE, "the evidence package cannot be completed: " + String.join("; ", missing)
                        + " (retry later, or ask with allow_partial for a package marked incomplete)");
            }
            byte[] bytes = body.toBytes();
            DualSignature sig = lease.keys().sign(EvidencePackage.signedMessage(bytes));
            byte[] file = new EvidencePackage.Envelope(bytes, lease.certificate().suiteId(), sig).toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] digest = sha256(file);
            audit(actor, now, q, selected.size(), all.size() - selected.size(), body.complete(), digest);
            return new Materialized(file, digest, selected.size(), body.complete(), next, List.copyOf(all));
        }
    }

    private EvidencePackage.Item item(StoredSeal s, String role, StoredCheckpoint latest, SealVerifier windows, Instant now, List<String> missing) {
        Optional<Anchor> anchor = s.leafIndex() < latest.treeSize() ? queries.earliestAnchorOf(s) : Optional.empty();
        List<byte[]> consistency = List.of();
        if (anchor.isEmpty()) {
            missing.add("inclusion proof of seal " + s.sealId() + ": no checkpoint covers it yet");
        } else if (anchor.get().treeSize() < latest.treeSize()) {
            consistency = log.consistency(anchor.get().treeSize(), latest.treeSize());
        }
        SuiteWindows w = windows.windows(s.suiteId())
                .orElseThrow(() -> new SealerException(Reason.UNKNOWN_SUITE, "seal " + s.sealId() + " names suite " + s.suiteId() + ", not in the trust bundle"));
        DualSignature sig = s.sigEd25519() == null ? null : new DualSignature(s.sigEd25519(), s.sigMlDsa());
        return new EvidencePackage.Item(role, s.canonical(), sig, anchor.orElse(null), consistency, EvidencePackage.status(w, s.committedAt()),
                EvidencePackage.status(w, now));
    }

    /** The ancestors of {@code seals} through their parents, breadth first, each once, bounded. */
    private List<StoredSeal> ancestors(List<StoredSeal> seals, List<String> missing) {
        Set<UUID> seen = new LinkedHashSet<>();
        seals.forEach(s -> seen.add(s.sealId()));
        List<StoredSeal> found = new ArrayList<>();
        Deque<UUID> frontier = new ArrayDeque<>();
        for (StoredSeal s : seals) {
            frontier.addAll(s.receipt().parents());
        }
        for (int generation = 0; generation < MAX_GENERATIONS && !frontier.isEmpty(); generation++) {
            Deque<UUID> nextGeneration = new ArrayDeque<>();
            for (UUID id : frontier) {
                if (!seen.add(id)) {
                    continue;
                }
                if (found.size() >= MAX_ANCESTORS) {
                    missing.add("ancestors beyond the first " + MAX_ANCESTORS);
                    return found;
                }
                Optional<StoredSeal> parent = queries.find(id);
                if (parent.isEmpty()) {
                    missing.add("ancestor seal " + id + ": not found");
                    continue;
                }
                found.add(parent.get());
                nextGeneration.addAll(parent.get().receipt().parents());
            }
            frontier = nextGeneration;
        }
        if (frontier.stream().anyMatch(id -> !seen.contains(id))) {
            missing.add("ancestors beyond " + MAX_GENERATIONS + " generations");
        }
        return found;
    }

    /** Written before the package is answered: an auditor's look at the evidence is itself evidence. */
    private void audit(String actor, Instant at, Query q, int seals, int ancestors, boolean complete, byte[] digest) {
        String target = q.sealId() != null ? "seal " + q.sealId() : "query " + dev.sealer.core.json.CanonicalJson.writeString(q.describe());
        String detail = "reason=" + q.reason() + " seals=" + seals + " ancestors=" + ancestors + " complete=" + complete + " package_sha256="
                + HexFormat.of().formatHex(digest);
        storage.transaction("recording the evidence materialization", t -> {
            t.audit().insert(List.of(new AuditEvent(0, at, actor, ACTION, target, "OK", detail)), guard.authenticator());
            return null;
        });
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
