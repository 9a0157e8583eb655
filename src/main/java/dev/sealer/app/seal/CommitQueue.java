package dev.sealer.app.seal;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.commit.BatchListener;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.core.seal.Receipt;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.storage.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Group commit: signed seals from many callers are written by one writer thread, many per
 * transaction, so throughput does not collapse to one fsync per seal. A caller's future
 * completes only after its transaction committed (RPO 0); when the transaction fails nothing of
 * the batch is written and every caller gets STORE_UNAVAILABLE (or WORM_VIOLATION).
 *
 * <p>Inside the transaction, under the log lock: idempotency (same request_id and digest returns
 * the stored seal, another digest is REQUEST_ID_CONFLICT), parent existence (UNKNOWN_PARENT), and
 * leaf index assignment. The rejected items do not stop the rest of the batch.
 */
public final class CommitQueue implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CommitQueue.class);

    /** A seal ready to store: receipt, its canonical bytes, their leaf hash and signatures (null in batched mode). */
    public record Pending(Receipt receipt, byte[] canonical, byte[] leafHash, byte[] sigEd25519, byte[] sigMlDsa, CompletableFuture<Outcome> result,
            Admission admission) {
    }

    /**
     * Whether a queued seal may still be committed, asked by the writer inside the transaction, just
     * before the seal would be inserted: a caller whose deadline passed or who cancelled is not written
     * for ({@link Reason#ABANDONED}); a stream that stopped has nothing of it committed after the item
     * that stopped it. {@link #refused} tells the owner that one of its seals was not committed, so a
     * stream stops before its next item is considered.
     */
    public interface Admission {
        Admission ALWAYS = new Admission() {
            @Override
            public boolean withdrawn() {
                return false;
            }

            @Override
            public void refused() {
            }
        };

        /** True when the seal must not be committed any more. */
        boolean withdrawn();

        /** One of this owner's seals was not committed (refused, withdrawn, or its batch failed). */
        void refused();
    }

    /** What a caller gets back: the stored seal, and whether it was an earlier seal for the same request. */
    public record Outcome(StoredSeal seal, boolean replayed) {
    }

    private final Storage.Session session; // writer thread only
    private final int maxBatch;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private final BatchListener listener;
    private volatile boolean running = true;

    private final RowGuard guard;

    private final Runnable onShed;

    /**
     * @param capacity seals that may wait for the writer; beyond it {@link #submit} sheds at once (OVERLOADED)
     * @param onShed counts a shed seal (a metric)
     */
    public CommitQueue(Storage storage, int maxBatch, int capacity, BatchListener listener, RowGuard guard, Runnable onShed) {
        this.guard = guard;
        this.queue = new java.util.concurrent.ArrayBlockingQueue<>(capacity);
        this.onShed = onShed;
        this.session = storage.session();
        this.maxBatch = maxBatch;
        this.listener = listener;
        this.writer = Thread.ofPlatform().name("seal-commit").daemon().start(this::run);
    }

    public CompletableFuture<Outcome> submit(Receipt receipt, byte[] canonical, byte[] sigEd25519, byte[] sigMlDsa) {
        return submit(receipt, canonical, sigEd25519, sigMlDsa, Admission.ALWAYS);
    }

    /** As {@link #submit(Receipt, byte[], byte[], byte[])}, committed only while {@code admission} does not withdraw it. */
    public CompletableFuture<Outcome> submit(Receipt receipt, byte[] canonical, byte[] sigEd25519, byte[] sigMlDsa, Admission admission) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new SealerException(Reason.STORE_UNAVAILABLE, "the service is shutting down"));
            return f;
        }
        // hashed on the caller's thread: the single writer only assigns leaves and writes
        if (!queue.offer(new Pending(receipt, canonical, Rfc6962.leafHash(canonical), sigEd25519, sigMlDsa, f, admission))) {
            admission.refused();
            onShed.run();
            f.completeExceptionally(new SealerException(Reason.OVERLOADED, "the commit queue is full (" + (queue.size() + queue.remainingCapacity())
                    + " seals waiting): nothing was stored; retry later with the same request id"));
        }
        return f;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (SealerException e) {
                for (Pending p : batch) {
                    p.admission().refused();
                    p.result().completeExceptionally(e);
                }
            } catch (RuntimeException e) {
                LOG.error("seal commit batch failed unexpectedly", e);
                for (Pending p : batch) {
                    p.admission().refused();
                    p.result().completeExceptionally(new SealerException(Reason.STORE_UNAVAILABLE, "seal not stored: " + e.getMessage(), e));
                }
            } finally {
                batch.clear();
            }
        }
        session.close();
    }

    private void commit(List<Pending> batch) {
        // identity maps: a Pending's record hashCode would hash its whole receipt
        Map<Pending, Outcome> done = new java.util.IdentityHashMap<>();
        Map<Pending, SealerException> rejected = new java.util.IdentityHashMap<>();
        long committedNext;
        try {
            committedNext = session.transaction("storing " + batch.size() + " seal(s)", t -> write(t, batch, done, rejected));
        } catch (SealerException e) {
            listener.rolledBack();
            LOG.warnf("seal batch of %d not stored: %s", batch.size(), e.getMessage());
            batch.forEach(p -> {
                p.admission().refused();
                p.result().completeExceptionally(e);
            });
            return;
        } catch (RuntimeException e) {
            listener.rolledBack();
            throw e;
        }
        for (Pending p : batch) {
            SealerException r = rejected.get(p);
            if (r != null) {
                p.result().completeExceptionally(r);
            } else {
                p.result().complete(done.get(p));
            }
        }
        // after the callers' continuations ran (ANCHORED ones registered for the checkpoint), so a
        // checkpoint prompted by this commit finds them waiting
        if (committedNext >= 0) {
            listener.committed(committedNext);
        }
    }

    /** The batch's transaction: returns the tree size after it, or -1 when it appended nothing. */
    private long write(Tables t, List<Pending> batch, Map<Pending, Outcome> done, Map<Pending, SealerException> rejected) {
        done.clear();
        rejected.clear();
        t.receipts().lockAppends();
        Set<String> requestIds = new HashSet<>();
        Set<UUID> parents = new HashSet<>();
        for (Pending p : batch) {
            requestIds.add(p.receipt().requestId());
            parents.addAll(p.receipt().parents());
        }
        long next = listener.begin(t);
        Map<String, StoredSeal> existing = t.receipts().byRequestIds(requestIds);
        // only rows in the log's own tree, written by this authority, answer a replay or count as a parent
        Map<String, SealerException> unusable = new HashMap<>();
        for (StoredSeal s : existing.values()) {
            if (s.leafIndex() >= next || guard.problem(s).isPresent()) {
                unusable.put(s.requestId(), rejectForged(s, next));
            }
        }
        Set<UUID> knownParents = new HashSet<>();
        for (StoredSeal s : t.receipts().bySealIds(parents)) {
            if (s.leafIndex() < next && guard.problem(s).isEmpty()) {
                knownParents.add(s.sealId());
            }
        }
        List<StoredSeal> rows = new ArrayList<>();
        Map<String, StoredSeal> inBatch = new HashMap<>();
        for (Pending p : batch) {
            Receipt r = p.receipt();
            if (p.admission().withdrawn()) {
                reject(rejected, p, new SealerException(Reason.ABANDONED, "not committed: the caller's deadline passed, it cancelled, "
                        + "or an earlier item of its stream was not committed"));
                continue;
            }
            SealerException forged = unusable.get(r.requestId());
            if (forged != null) {
                reject(rejected, p, forged);
                continue;
            }
            StoredSeal earlier = existing.getOrDefault(r.requestId(), inBatch.get(r.requestId()));
            if (earlier != null) {
                if (earlier.receipt().digest().matches(r.digest())) {
                    done.put(p, new Outcome(earlier, true));
                } else {
                    reject(rejected, p, new SealerException(Reason.REQUEST_ID_CONFLICT, "request_id '" + r.requestId()
                            + "' was already sealed with a different digest (seal " + earlier.sealId() + ")"));
                }
                continue;
            }
            UUID missing = r.parents().stream().filter(id -> !knownParents.contains(id)).findFirst().orElse(null);
            if (missing != null) {
                reject(rejected, p, new SealerException(Reason.UNKNOWN_PARENT, "parent seal " + missing + " does not exist"));
                continue;
            }
            StoredSeal row = StoredSeal.of(r, p.canonical(), p.leafHash(), next++, p.sigEd25519(), p.sigMlDsa(), guard.authenticator());
            rows.add(row);
            inBatch.put(r.requestId(), row);
            knownParents.add(r.sealId());
            done.put(p, new Outcome(row, false));
        }
        if (!rows.isEmpty()) {
            t.receipts().insert(rows);
            listener.inserted(t, rows);
        }
        return rows.isEmpty() ? -1 : next;
    }

    /** Refuses {@code p} in this batch and tells its owner at once, so a later item of the same stream in this batch is refused too. */
    private static void reject(Map<Pending, SealerException> rejected, Pending p, SealerException e) {
        rejected.put(p, e);
        p.admission().refused();
    }

    /** A stored row with this request id that is not the authority's own: the request is refused, the row never answered. */
    private SealerException rejectForged(StoredSeal s, long next) {
        String why = s.leafIndex() >= next ? "it is not in the log" : guard.problem(s).orElse("");
        guard.report(dev.sealer.core.integrity.Finding.of("receipts", "leaf " + s.leafIndex() + " seal " + s.sealId(),
                "a row with request_id '" + s.requestId() + "' was not written by this authority: " + why));
        return new SealerException(Reason.ANCHOR_MISMATCH, "the stored seal for request_id '" + s.requestId()
                + "' is not one this authority wrote; it is never answered");
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
