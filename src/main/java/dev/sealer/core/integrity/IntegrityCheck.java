package dev.sealer.core.integrity;

import dev.sealer.core.time.Rfc3339;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SignatureVerifier;
import dev.sealer.core.log.Checkpoint;
import dev.sealer.core.log.CheckpointKeys;
import dev.sealer.core.log.SignedNote;
import dev.sealer.core.merkle.NodeHash;
import dev.sealer.core.merkle.NodeId;
import dev.sealer.core.merkle.StoredLevels;
import dev.sealer.core.merkle.TreeAppender;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealIds;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.verify.SealVerifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The integrity sweep's comparisons, pure: fed every stored row, it rebuilds the log and names
 * every row that is not what this authority wrote. The service's scheduled sweep, the admin
 * RPC and {@code sealer sweep} all run this one class over rows read by the store.
 *
 * <p>Order of use: {@link #node} for every stored node and {@link #checkpoints} with every
 * checkpoint (sorted by size), then {@link #receipt} for every receipts row in leaf order, then
 * {@link #finish}; {@link #suiteHistory}, {@link #auditEvent}, {@link #reseal} and
 * {@link #orphanSignatures} at any point.
 *
 * <p>Checks: every row authenticator (receipts, signatures, nodes, checkpoints, chained suite
 * events, audit events, re-seals); every signature of every SIGNED seal, and its presence; the
 * seal id carries its commit time; the tree rebuilt from the receipts equals every stored node
 * and every checkpoint root (so every pair of checkpoints is consistent: they are prefixes of
 * one tree); every checkpoint note is dual-signed by a certified suite and its origin, size,
 * root and time equal the stored fields; checkpoint times increase with size, are not before
 * the seals under them, and each row names the checkpoint before it; no suite event recorded
 * by a checkpoint is missing.
 */
public final class IntegrityCheck {
    /** One receipts row as read: {@code receipt} is null (and {@code decodeError} set) when the row is not a receipt. */
    public record ReceiptRow(long leafIndex, UUID sealId, Receipt receipt, String decodeError, byte[] leafHash, byte[] rowMac, byte[] sigEd25519,
            byte[] sigMlDsa, byte[] sigMac) {
    }

    public record NodeRow(int level, long index, byte[] hash, byte[] rowMac) {
    }

    public record CheckpointRow(long treeSize, byte[] rootHash, Instant issuedAt, String suiteId, String note, long previousSize, long suiteEvents,
            long auditEvents, byte[] rowMac) {
    }

    /** A stored checkpoint time-stamp token (table checkpoint_timestamps). */
    public record TimestampRow(long treeSize, String tsa, Instant genTime, byte[] token, byte[] rowMac) {
    }

    /** What the sweep checked and found. */
    public record Report(long receipts, long signatures, long nodes, long checkpoints, long suiteEvents, long auditEvents, long reseals,
            List<Finding> findings, long timestamps) {
        public boolean clean() {
            return findings.isEmpty();
        }
    }

    private final RowAuthenticator auth;
    private final Function<String, Optional<SuiteCertificate>> suites;
    private final String origin;
    private final List<Finding> findings = new ArrayList<>();
    private final Map<NodeId, byte[]> nodes = new HashMap<>();
    private List<CheckpointRow> checkpoints = List.of();
    private int nextCheckpoint;
    private final TreeAppender tree;
    private boolean treeBroken;
    private Instant lastCommittedAt;
    private long receipts, signatures, nodeCount, suiteEventCount = -1, resealCount;
    private final ChainCheck.Walker audit;
    private final java.util.Set<UUID> resealsExpected = new java.util.HashSet<>();
    private final java.util.Set<UUID> resealsFound = new java.util.HashSet<>();
    private final Map<Long, byte[]> expectedRoots = new HashMap<>();
    private final Map<Long, String> expectedWhy = new HashMap<>();
    private final java.util.Set<Long> expectedStored = new java.util.HashSet<>();

    /**
     * @param suites the certified suites by id (from the trust bundle or the verified suite history)
     * @param origin the log's origin line ({@code <authority>/log})
     */
    public IntegrityCheck(RowAuthenticator auth, Function<String, Optional<SuiteCertificate>> suites, String origin) {
        this(auth, suites, origin, new TreeAppender());
    }

    /**
     * An incremental sweep: everything up to checkpoint {@code from} was verified by an earlier
     * pass, whose root this process remembers. {@code start} is the tree at that size as rebuilt
     * from the stored nodes; it must have that root (else the log was rewritten under a verified
     * checkpoint). Feed only the checkpoints from {@code from} on (the first is {@code from}
     * itself), the nodes and receipts at or after its size.
     */
    public IntegrityCheck(RowAuthenticator auth, Function<String, Optional<SuiteCertificate>> suites, String origin, TreeAppender start,
            long fromSize, byte[] verifiedRoot) {
        this(auth, suites, origin, start);
        this.resumeFrom = fromSize;
        if (!Arrays.equals(start.root(), verifiedRoot)) {
            add("log_nodes", "tree_size " + fromSize, "the stored tree no longer has the root a previous sweep verified: the log was rewritten under it");
            treeBroken = true;
        }
    }

    private IntegrityCheck(RowAuthenticator auth, Function<String, Optional<SuiteCertificate>> suites, String origin, TreeAppender start) {
        this.auth = auth;
        this.suites = suites;
        this.origin = origin;
        this.tree = start;
        this.audit = new ChainCheck.Walker(auth);
    }

    private CheckpointRow lastMatched;

    /** The newest checkpoint whose root the receipts' tree matched: where the next incremental pass may start, when the report is clean. */
    public Optional<CheckpointRow> lastVerifiedCheckpoint() {
        return Optional.ofNullable(lastMatched);
    }

    /** Where an incremental sweep starts (0 for a full one). */
    private long resumeFrom;

    /** The size the receipts fed must start at. */
    public long resumeFrom() {
        return resumeFrom;
    }

    /**
     * A checkpoint known from outside the database: one a client kept, or the last one this
     * service issued. The database must still hold leaves up to {@code size}, and the tree of its
     * receipts at that size must have {@code root}; otherwise it was rolled back or rewritten.
     */
    public void expect(long size, byte[] root, String why) {
        expectedRoots.put(size, root.clone());
        expectedWhy.put(size, why);
        expectedStored.add(size);
    }

    public void node(NodeRow n) {
        nodeCount++;
        if (!auth.verifies(Rows.logNode(n.level(), n.index(), n.hash()), n.rowMac())) {
            add("log_nodes", "level " + n.level() + " index " + n.index(), "does not match its authenticator: changed, moved or not written by this authority");
        }
        nodes.put(new NodeId(n.level(), n.index()), n.hash());
    }

    /** Every checkpoint row, sorted by tree size: each checked on its own and against the one before it. */
    public void checkpoints(List<CheckpointRow> all) {
        this.checkpoints = List.copyOf(all);
        CheckpointRow previous = null;
        for (CheckpointRow cp : all) {
            String row = "tree_size " + cp.treeSize();
            if (!auth.verifies(Rows.checkpoint(cp.treeSize(), cp.rootHash(), cp.issuedAt(), cp.suiteId(), cp.note(), cp.previousSize(), cp.suiteEvents(),
                    cp.auditEvents()), cp.rowMac())) {
                add("checkpoints", row, "does not match its authenticator: changed or not written by this authority");
            }
            note(cp, row);
            long expectedPrevious = previous == null ? 0 : previous.treeSize();
            if (previous == null && resumeFrom > 0) {
                previous = cp; // the verified checkpoint an incremental pass starts at
                continue;
            }
            if (cp.previousSize() != expectedPrevious) {
                add("checkpoints", row, "names checkpoint " + cp.previousSize() + " as the one before it, but the one before it is "
                        + (previous == null ? "none" : previous.treeSize()) + ": a checkpoint was removed or inserted");
            }
            if (previous != null && !cp.issuedAt().isAfter(previous.issuedAt())) {
                add("checkpoints", row, "issued at " + Rfc3339.format(cp.issuedAt()) + ", not after checkpoint " + previous.treeSize()
                        + " (" + Rfc3339.format(previous.issuedAt()) + "): checkpoint times must increase");
            }
            if (previous != null && cp.suiteEvents() < previous.suiteEvents()) {
                add("checkpoints", row, "records " + cp.suiteEvents() + " suite events, fewer than checkpoint " + previous.treeSize() + " did");
            }
            if (previous != null && cp.auditEvents() < previous.auditEvents()) {
                add("checkpoints", row, "records " + cp.auditEvents() + " audit events, fewer than checkpoint " + previous.treeSize() + " did");
            }
            previous = cp;
        }
        while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).treeSize() <= tree.size()) {
            nextCheckpoint++; // an incremental pass's verified starting checkpoint
        }
    }

    /** The signed note against the row's fields. */
    private void note(CheckpointRow cp, String row) {
        Optional<SuiteCertificate> suite = suites.apply(cp.suiteId());
        if (suite.isEmpty()) {
            add("checkpoints", row, "signed by suite " + cp.suiteId() + ", which is not a certified suite of this authority");
            return;
        }
        Checkpoint body;
        try {
            body = Checkpoint.parse(SignedNote.open(cp.note(), CheckpointKeys.verifiers(suite.get())));
        } catch (RuntimeException e) {
            add("checkpoints", row, "note is not dual-signed by suite " + cp.suiteId() + ": " + e.getMessage());
            return;
        }
        if (!origin.equals(body.origin())) {
            add("checkpoints", row, "note is for log '" + body.origin() + "', not '" + origin + "'");
        }
        if (body.size() != cp.treeSize()) {
            add("checkpoints", row, "note says tree size " + body.size() + ", the row says " + cp.treeSize());
        }
        if (!Arrays.equals(body.rootHash(), cp.rootHash())) {
            add("checkpoints", row, "note's root hash differs from the row's root_hash");
        }
        Instant signedAt = null;
        for (String ext : body.extensions()) {
            if (ext.startsWith(SealVerifier.CHECKPOINT_TIME_PREFIX)) {
                try {
                    signedAt = Rfc3339.parse(ext.substring(SealVerifier.CHECKPOINT_TIME_PREFIX.length()));
                } catch (RuntimeException e) {
                    add("checkpoints", row, "note's time line does not parse: " + e.getMessage());
                    return;
                }
            }
        }
        if (signedAt == null) {
            add("checkpoints", row, "note has no time line");
        } else if (!signedAt.equals(cp.issuedAt())) {
            add("checkpoints", row, "issued_at " + Rfc3339.format(cp.issuedAt()) + " differs from the signed time " + Rfc3339.format(signedAt));
        }
    }

    public void receipt(ReceiptRow r) {
        receipts++;
        String row = "leaf " + r.leafIndex() + " seal " + r.sealId();
        if (r.receipt() == null) {
            add("receipts", row, "row is not a receipt: " + r.decodeError());
            treeBroken = true;
            return;
        }
        if (!treeBroken && r.leafIndex() != tree.size()) {
            add("receipts", row, "leaf index " + r.leafIndex() + " where " + tree.size() + " was expected: "
                    + (r.leafIndex() > tree.size() ? "rows are missing before it" : "a row is duplicated"));
            treeBroken = true;
        }
        RowChecks.seal(auth, r.leafIndex(), r.leafHash(), r.rowMac(), r.sigEd25519(), r.sigMlDsa(), r.sigMac())
                .ifPresent(p -> add(p.startsWith("seal_signatures") ? "seal_signatures" : "receipts", row, p));
        if (!SealIds.carries(r.sealId(), r.receipt().committedAt())) {
            add("receipts", row, "seal id does not carry the receipt's commit time");
        }
        if (r.sigEd25519() != null || r.sigMlDsa() != null) {
            signatures++;
            signaturesOf(r, row);
        }
        lastCommittedAt = r.receipt().committedAt();
        if (r.receipt().requestId().startsWith(RESEAL_PREFIX)) {
            resealsExpected.add(r.sealId());
        }
        if (r.receipt().labels().containsKey(dev.sealer.core.lineage.LineageManifest.LABEL_MANIFEST)) {
            metaSeals.put(r.sealId(), r.receipt().digest());
        }
        if (treeBroken) {
            return;
        }
        for (NodeHash n : tree.append(r.leafHash())) {
            if (!StoredLevels.isStored(n.id().level())) {
                continue;
            }
            byte[] logged = nodes.remove(n.id());
            if (logged == null) {
                add("log_nodes", "level " + n.id().level() + " index " + n.id().index(), "is missing (leaves " + n.id().firstLeaf() + ".." + n.id().lastLeaf() + ")");
            } else if (!Arrays.equals(logged, n.hash())) {
                add("log_nodes", "level " + n.id().level() + " index " + n.id().index(), "differs from the tree of the receipts over leaves "
                        + n.id().firstLeaf() + ".." + n.id().lastLeaf());
            }
        }
        byte[] expected = expectedRoots.remove(tree.size());
        if (expected != null && !Arrays.equals(expected, tree.root())) {
            add("receipts", "tree_size " + tree.size(), "the receipts' tree differs from " + expectedWhy.get(tree.size()) + ": the log was rewritten");
        }
        while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).treeSize() <= tree.size()) {
            CheckpointRow cp = checkpoints.get(nextCheckpoint++);
            if (cp.treeSize() < tree.size()) {
                continue; // before an incremental sweep's start
            }
            if (!Arrays.equals(tree.root(), cp.rootHash())) {
                add("checkpoints", "tree_size " + cp.treeSize(), "root differs from the tree of the receipts: the log was rewritten under it");
            } else {
                lastMatched = cp;
            }
            if (cp.issuedAt().isBefore(lastCommittedAt)) {
                add("checkpoints", "tree_size " + cp.treeSize(), "issued at " + Rfc3339.format(cp.issuedAt()) + ", before the seal it covers at leaf "
                        + r.leafIndex() + " was committed (" + Rfc3339.format(lastCommittedAt) + ")");
            }
        }
    }

    private void signaturesOf(ReceiptRow r, String row) {
        if (r.sigEd25519() == null || r.sigMlDsa() == null) {
            add("seal_signatures", row, "one of the two signatures is missing");
            return;
        }
        Optional<SuiteCertificate> suite = suites.apply(r.receipt().suiteId());
        if (suite.isEmpty()) {
            add("receipts", row, "names suite " + r.receipt().suiteId() + ", which is not a certified suite of this authority");
            return;
        }
        SuiteCertificate s = suite.get();
        byte[] message = SignedMessage.receipt(r.receipt().canonicalBytes());
        if (!SignatureVerifier.verify(SignatureAlgorithm.ED25519, s.ed25519PublicKey(), message, r.sigEd25519())) {
            add("seal_signatures", row, "the ed25519 signature does not verify under suite " + s.suiteId());
        }
        if (!SignatureVerifier.verify(s.pqAlgorithm(), s.pqPublicKey(), message, r.sigMlDsa())) {
            add("seal_signatures", row, "the " + s.pqAlgorithm().id() + " signature does not verify under suite " + s.suiteId());
        }
    }

    /** Meta-seals swept so far (docs/lineage.md), by seal id: their receipt's digest is SHA-256 of the manifest they commit to. */
    private final java.util.Map<java.util.UUID, dev.sealer.core.seal.Digest> metaSeals = new java.util.LinkedHashMap<>();

    /** The digests of the meta-seals swept so far, for the store to fetch their manifests by. */
    public java.util.Collection<dev.sealer.core.seal.Digest> metaSealDigests() {
        return List.copyOf(metaSeals.values());
    }

    /**
     * The stored manifests of the meta-seals swept (by the hex SHA-256 they are stored under): each meta-seal's manifest must
     * be stored and hash to its receipt's digest. The manifest is authenticated by that digest, not by an authenticator.
     */
    public void lineageManifests(java.util.Map<String, byte[]> byDigestHex) {
        for (var e : metaSeals.entrySet()) {
            byte[] manifest = byDigestHex.get(e.getValue().hex());
            String row = "sha256 " + e.getValue().hex();
            if (manifest == null) {
                add("lineage_manifests", row, "the manifest of meta-seal " + e.getKey() + " is missing");
            } else if (!dev.sealer.core.lineage.LineageManifest.digestOf(manifest).matches(e.getValue())) {
                add("lineage_manifests", row, "the manifest of meta-seal " + e.getKey() + " does not hash to its digest: changed or not written by this authority");
            }
        }
    }

    /** seal_signatures rows whose leaf has no receipt. */
    public void orphanSignatures(List<Long> leaves) {
        leaves.forEach(l -> add("seal_signatures", "leaf " + l, "has no receipt: a signature row was inserted"));
    }

    /** The request id prefix of the compromise playbook's re-seals ({@code reseal-<old seal id>}): each has a reseals row. */
    public static final String RESEAL_PREFIX = "reseal-";

    /** The suite history (in row order). */
    public void suiteHistory(List<SuiteHistoryCheck.Event> events) {
        suiteEventCount = events.size();
        SuiteHistoryCheck.problems(auth, events).forEach(p -> add("suite_events", "event_seq " + p.seq(), p.detail()));
    }

    /** The next audit event, in row order (the trail is chained). */
    public void auditEvent(long seq, long position, Instant occurredAt, String actor, String action, String target, String outcome, String detail,
            byte[] rowMac) {
        audit.next(new ChainCheck.Link(seq, position, rowMac, "audit event " + seq + " (" + action + " by " + actor + ")",
                prev -> Rows.auditEvent(position, prev, occurredAt, actor, action, target, outcome, detail)))
                .ifPresent(p -> add("audit_events", "event_seq " + p.seq(), p.detail()));
    }

    public void reseal(UUID newSealId, UUID oldSealId, Instant at, String actor, byte[] rowMac) {
        resealCount++;
        resealsFound.add(newSealId);
        if (!auth.verifies(Rows.reseal(newSealId, oldSealId, at, actor), rowMac)) {
            add("reseals", "new_seal_id " + newSealId, "does not match its authenticator: changed or not written by this authority");
        }
    }

    private long timestampCount;
    private List<dev.sealer.core.tsa.TimestampTrust> timestampTrust;
    private java.security.PublicKey timestampRoot;

    /** The TSAs whose tokens the sweep verifies (the trust bundle's); without them stored tokens are checked for their authenticator only. */
    public IntegrityCheck withTimestampTrust(List<dev.sealer.core.tsa.TimestampTrust> trust, java.security.PublicKey rootKey) {
        this.timestampTrust = List.copyOf(trust);
        this.timestampRoot = rootKey;
        return this;
    }

    public List<dev.sealer.core.tsa.TimestampTrust> timestampTrust() {
        return timestampTrust;
    }

    public java.security.PublicKey timestampRoot() {
        return timestampRoot;
    }

    /**
     * The checkpoints' time-stamp tokens (call after {@link #checkpoints}): each row is one this
     * authority stored, belongs to a stored checkpoint, its token verifies under the trusted TSAs
     * over that checkpoint's body, and its gen_time column is the token's. Rows of checkpoints
     * before an incremental pass's start are skipped; a checkpoint without a token is not a
     * finding (it is untimestamped, which readiness reports).
     */
    public void timestamps(List<TimestampRow> rows, List<dev.sealer.core.tsa.TimestampTrust> trust, java.security.PublicKey rootKey) {
        Map<Long, CheckpointRow> bySize = new HashMap<>();
        checkpoints.forEach(cp -> bySize.put(cp.treeSize(), cp));
        for (TimestampRow t : rows) {
            if (t.treeSize() < resumeFrom) {
                continue;
            }
            timestampCount++;
            String row = "tree_size " + t.treeSize();
            if (!auth.verifies(Rows.checkpointTimestamp(t.treeSize(), t.tsa(), t.genTime(), t.token()), t.rowMac())) {
                add("checkpoint_timestamps", row, "does not match its authenticator: changed or not written by this authority");
                continue;
            }
            CheckpointRow cp = bySize.get(t.treeSize());
            if (cp == null) {
                add("checkpoint_timestamps", row, "is the token of a checkpoint that is not stored");
                continue;
            }
            if (trust == null) {
                continue;
            }
            try {
                var v = dev.sealer.core.tsa.TimestampVerifier.verify(t.token(), dev.sealer.core.tsa.CheckpointStamp.IMPRINT_ALGORITHM,
                        dev.sealer.core.tsa.CheckpointStamp.imprint(cp.note()), trust, rootKey);
                if (!v.genTime().equals(t.genTime().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)) && !v.genTime().equals(t.genTime())) {
                    add("checkpoint_timestamps", row, "gen_time " + Rfc3339.format(t.genTime()) + " is not the token's " + Rfc3339.format(v.genTime()));
                }
            } catch (RuntimeException e) {
                add("checkpoint_timestamps", row, "the token does not verify for checkpoint " + t.treeSize() + ": " + e.getMessage());
            }
        }
    }

    /** After the last receipt: what no receipt accounted for. */
    public Report finish() {
        if (!treeBroken) {
            for (NodeId extra : nodes.keySet()) {
                if (extra.lastLeaf() >= tree.size()) {
                    add("log_nodes", "level " + extra.level() + " index " + extra.index(), "covers leaves that have no receipt");
                }
            }
            for (int i = nextCheckpoint; i < checkpoints.size(); i++) {
                add("checkpoints", "tree_size " + checkpoints.get(i).treeSize(), "covers leaves that have no receipt");
            }
        }
        if (!checkpoints.isEmpty()) {
            CheckpointRow last = checkpoints.getLast();
            if (suiteEventCount >= 0 && last.suiteEvents() > suiteEventCount) {
                add("suite_events", "positions " + suiteEventCount + ".." + (last.suiteEvents() - 1), "are missing: checkpoint " + last.treeSize()
                        + " was issued when the suite history had " + last.suiteEvents() + " events, " + suiteEventCount + " are stored");
            }
            if (last.auditEvents() > audit.length()) {
                add("audit_events", "positions " + audit.length() + ".." + (last.auditEvents() - 1), "are missing: checkpoint " + last.treeSize()
                        + " was issued when the audit trail had " + last.auditEvents() + " events, " + audit.length() + " are stored");
            }
        }
        for (Map.Entry<Long, byte[]> e : expectedRoots.entrySet()) {
            add("receipts", "tree_size " + e.getKey(), "the database holds " + tree.size() + " leaves, fewer than " + expectedWhy.get(e.getKey())
                    + " covers: it was rolled back or truncated");
        }
        for (long size : expectedStored) {
            if (checkpoints.stream().noneMatch(cp -> cp.treeSize() == size)) {
                add("checkpoints", "tree_size " + size, "is missing: " + expectedWhy.get(size) + " is no longer stored");
            }
        }
        for (UUID missing : resealsExpected) {
            if (!resealsFound.contains(missing)) {
                add("reseals", "new_seal_id " + missing, "is missing: seal " + missing + " is a re-seal but no reseals row links it to the seal it replaces");
            }
        }
        return new Report(receipts, signatures, nodeCount, checkpoints.size(), Math.max(0, suiteEventCount), audit.length(), resealCount,
                List.copyOf(findings), timestampCount);
    }

    private void add(String table, String row, String detail) {
        findings.add(Finding.of(table, row, detail));
    }
}
