package dev.sealer.app.seal;

import dev.sealer.app.HsmConnection;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.app.log.TransparencyLog;
import dev.sealer.core.error.Reason;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.seal.SealIds;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.seal.Stage;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.verify.Verdict;
import dev.sealer.store.ReceiptStore;
import dev.sealer.store.ReceiptStore.StoredSeal;
import dev.sealer.store.StoreException;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where a seal is made: validate the request, build the receipt, sign it with the active
 * suite (both algorithms over the domain-separated canonical receipt), and hand it to the
 * group-commit queue; the caller's answer comes after the commit.
 */
@Singleton
public class SealingService {
    @Inject
    SuiteRegistry suites;
    @Inject
    HsmConnection hsm;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    TransparencyLog log;
    @Inject
    dev.sealer.app.integrity.RowGuard guard;
    @ConfigProperty(name = "sealer.commit.max-batch", defaultValue = "256")
    int maxBatch;

    @Inject
    Clock clock;
    private CommitQueue queue;
    private final java.util.concurrent.ExecutorService answers = java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), Thread.ofPlatform().name("seal-answer-", 0).daemon().factory());
    /** Signs SIGNED seals for callers on I/O threads ({@link #sealFromIoThread}): one thread per core, the signing is CPU-bound. */
    private final java.util.concurrent.ExecutorService signers = java.util.concurrent.Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), Thread.ofPlatform().name("seal-sign-", 0).daemon().factory());

    /** SIGNED: the receipt is dual-signed on its own. ANCHORED: no per-seal signature; answered once a checkpoint covers it. */
    public enum Mode { SIGNED, ANCHORED }

    /** A validated seal request. */
    public record SealCommand(String requestId, Digest digest, String subject, Stage stage, Map<String, String> labels, List<String> parents,
            String signer, Mode mode) {
        public SealCommand(String requestId, Digest digest, String subject, Stage stage, Map<String, String> labels, List<String> parents,
                String signer) {
            this(requestId, digest, subject, stage, labels, parents, signer, Mode.SIGNED);
        }
    }

    /** A stored seal as callers see it, with its log anchor when one was asked for. */
    public record SealView(StoredSeal stored, boolean replayed, Anchor anchor) {
        public SealView withAnchor(Anchor a) {
            return new SealView(stored, replayed, a);
        }

        public Receipt receipt() {
            return stored.receipt();
        }

        /** Both signatures, or nulls for an ANCHORED seal. */
        public DualSignature signature() {
            return new DualSignature(stored.sigEd25519(), stored.sigMlDsa());
        }

        public String bundleJson() {
            return new SealBundle(receipt(), signature(), anchor).toJson();
        }
    }

    public record Page(List<SealView> seals, String nextPageToken) {
    }

    @PostConstruct
    void start() {
        queue = new CommitQueue(dataSource, maxBatch, log, guard);
    }

    @PreDestroy
    void stop() {
        queue.close();
        answers.shutdown();
        signers.shutdown();
    }

    public CompletableFuture<SealView> seal(SealCommand cmd) {
        SealLimits.requestId(cmd.requestId());
        SealLimits.subject(cmd.subject());
        SealLimits.labels(cmd.labels());
        List<UUID> parents = SealLimits.parents(cmd.parents());
        hsm.requireAvailable();
        Receipt receipt;
        byte[] canonical;
        DualSignature sig = null;
        // committed_at is taken inside the signing window of the suite whose keys are leased; the
        // lease keeps them from being wiped until the signature is made (suites change on the
        // scheduler and key-admin calls, never here)
        try (SuiteRegistry.SigningLease lease = suites.signing()) {
            Instant now = lease.at();
            receipt = new Receipt(SealIds.next(now), cmd.requestId(), cmd.digest(), cmd.subject(), cmd.stage(), new TreeMap<>(cmd.labels()),
                    parents, lease.certificate().suiteId(), now, cmd.signer());
            canonical = receipt.canonicalBytes();
            if (cmd.mode() == Mode.SIGNED) {
                sig = lease.keys().sign(SignedMessage.receipt(canonical));
            }
        }
        if (cmd.mode() == Mode.SIGNED) {
            // answers are built off the single commit thread
            return queue.submit(receipt, canonical, sig.ed25519(), sig.mlDsa()).thenApplyAsync(SealingService::view, answers);
        }
        // ANCHORED: one dual signature per checkpoint instead of one per seal
        return queue.submit(receipt, canonical, null, null).thenCompose(o -> {
            SealView v = view(o);
            // answers are built off the checkpointer thread, which must only sign and prove
            return log.awaitAnchor(o.seal().leafIndex()).thenApplyAsync(v::withAnchor, answers);
        });
    }

    /**
     * As {@link #seal}, for a caller on an I/O (event loop) thread that must not block: an ANCHORED
     * seal is validated, built and queued right here (a few microseconds), a SIGNED one is signed
     * on the signing pool first, and so is an ANCHORED one while no suite signs (it may wait).
     */
    public CompletableFuture<SealView> sealFromIoThread(SealCommand cmd) {
        if (cmd.mode() == Mode.ANCHORED && suites.signsNow()) {
            return seal(cmd);
        }
        // SIGNED, or no suite signs right now (a seal then waits for the scheduler's rotation): not on the event loop
        return CompletableFuture.supplyAsync(() -> seal(cmd), signers).thenCompose(f -> f);
    }

    /**
     * The compromise playbook: re-seals up to {@code limit} seals a revocation of
     * {@code suiteId} invalidates, under the active suite, keeping the old records and linking
     * old to new. Idempotent: the new request id is {@code reseal-<old seal id>}.
     */
    public List<Map.Entry<UUID, UUID>> resealAffected(String suiteId, int limit, String actor) {
        var entry = suites.state().ledger().get(suiteId).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SUITE, "no suite " + suiteId));
        var rule = entry.windows().affected()
                .orElseThrow(() -> new SealerException(Reason.INVALID_ARGUMENT, "suite " + suiteId + " is not revoked"));
        List<StoredSeal> affected;
        try (Connection c = dataSource.getConnection()) {
            affected = ReceiptStore.affected(c, rule, unanchoredFrom(c, rule), -1, limit).stream().map(guard::requireAuthentic).toList();
        } catch (SQLException e) {
            throw StoreException.from(e, "listing affected seals");
        }
        List<Map.Entry<UUID, UUID>> done = new java.util.ArrayList<>();
        for (StoredSeal old : affected) {
            Receipt r = old.receipt();
            java.util.Map<String, String> labels = new TreeMap<>(r.labels());
            if (labels.size() < SealLimits.MAX_LABELS) {
                labels.put("resealed_from", old.sealId().toString());
            }
            SealView fresh = seal(new SealCommand("reseal-" + old.sealId(), r.digest(), r.subject(), r.stage(), labels,
                    r.parents().stream().map(UUID::toString).toList(), r.signer())).join();
            try (Connection c = dataSource.getConnection()) {
                ReceiptStore.linkReseal(c, old.sealId(), fresh.stored().sealId(), clock.instant(), actor, guard.authenticator());
            } catch (SQLException e) {
                throw StoreException.from(e, "linking re-seal");
            }
            done.add(Map.entry(old.sealId(), fresh.stored().sealId()));
        }
        return done;
    }

    /** Seals a revocation of {@code suiteId} invalidates, paged by leaf index. */
    public List<SealView> affected(String suiteId, long afterLeaf, int limit) {
        var entry = suites.state().ledger().get(suiteId).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SUITE, "no suite " + suiteId));
        var rule = entry.windows().affected();
        if (rule.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection()) {
            return ReceiptStore.affected(c, rule.get(), unanchoredFrom(c, rule.get()), afterLeaf, limit).stream().map(guard::requireAuthentic)
                    .map(s -> view(s, false)).toList();
        } catch (SQLException e) {
            throw StoreException.from(e, "listing affected seals");
        }
    }

    /**
     * The first leaf no checkpoint issued before the rule's cut-off covers: the size of the last
     * such checkpoint, its row authenticator checked (a moved issued_at would hide seals).
     */
    private long unanchoredFrom(Connection c, dev.sealer.core.suite.SuiteWindows.Affected rule) throws SQLException {
        var cp = dev.sealer.store.LogStore.lastCheckpointBefore(c, rule.anchoredBefore());
        if (cp.isPresent() && !cp.get().authentic(guard.authenticator())) {
            guard.report(dev.sealer.core.integrity.Finding.of("checkpoints", "tree_size " + cp.get().treeSize(),
                    "does not match its authenticator: changed or not written by this authority"));
            throw new SealerException(Reason.ANCHOR_MISMATCH, "stored checkpoint " + cp.get().treeSize() + " is not one this authority wrote");
        }
        return cp.map(dev.sealer.store.LogStore.StoredCheckpoint::treeSize).orElse(0L);
    }

    /** The anchor at the first checkpoint that covers a seal: the proof of when it existed. */
    public Optional<Anchor> earliestAnchorOf(StoredSeal stored) {
        return log.earliestInclusion(stored.leafIndex());
    }

    /** The log anchor of a stored seal at the latest checkpoint, if a checkpoint covers it yet. */
    public Optional<Anchor> anchorOf(StoredSeal stored) {
        try {
            return Optional.of(log.inclusion(stored.leafIndex(), 0));
        } catch (SealerException notYet) {
            if (notYet.reason() == Reason.INVALID_ARGUMENT) {
                return Optional.empty();
            }
            throw notYet;
        }
    }

    public Optional<StoredSeal> find(UUID sealId) {
        try (Connection c = dataSource.getConnection()) {
            return ReceiptStore.bySealId(c, sealId).map(guard::requireAuthentic);
        } catch (SQLException e) {
            throw StoreException.from(e, "reading seal " + sealId);
        }
    }

    public boolean isRevoked(String suiteId) {
        return suites.state().ledger().get(suiteId).map(e -> e.status() == dev.sealer.core.suite.SuiteStatus.REVOKED).orElse(false);
    }

    public SealView get(UUID sealId) {
        try (Connection c = dataSource.getConnection()) {
            return ReceiptStore.bySealId(c, sealId).map(guard::requireAuthentic).map(s -> view(s, false))
                    .orElseThrow(() -> new SealerException(Reason.UNKNOWN_SEAL, "no seal " + sealId));
        } catch (SQLException e) {
            throw StoreException.from(e, "reading seal " + sealId);
        }
    }

    public Page list(ReceiptStore.Filter filter, String pageToken, int pageSize) {
        dev.sealer.store.PageCursor cursor = dev.sealer.store.PageCursor.decode(pageToken);
        Instant afterTime = cursor == null ? null : cursor.time();
        UUID afterId = cursor == null ? null : SealLimits.sealId(cursor.key(), Reason.INVALID_ARGUMENT);
        try (Connection c = dataSource.getConnection()) {
            List<StoredSeal> rows = ReceiptStore.list(c, filter, afterTime, afterId, pageSize + 1).stream().map(guard::requireAuthentic).toList();
            String next = "";
            if (rows.size() > pageSize) {
                rows = rows.subList(0, pageSize);
                StoredSeal last = rows.getLast();
                next = new dev.sealer.store.PageCursor(last.committedAt(), last.sealId().toString()).encode();
            }
            return new Page(rows.stream().map(s -> view(s, false)).toList(), next);
        } catch (SQLException e) {
            throw StoreException.from(e, "listing seals");
        }
    }

    /** Verifies a seal against the artifact digest with the same verifier the offline command uses. */
    public Verdict verify(Receipt receipt, DualSignature signature, Anchor anchor, Optional<Digest> artifact) {
        return suites.state().verifier().verify(receipt, signature, anchor, artifact);
    }

    /** The answer for a commit: the new seal, or the earlier one when the request replayed it. */
    private static SealView view(CommitQueue.Outcome o) {
        return view(o.seal(), o.replayed());
    }

    private static SealView view(StoredSeal s, boolean replayed) {
        return new SealView(s, replayed, null);
    }
}
