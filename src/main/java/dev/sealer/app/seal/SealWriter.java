package dev.sealer.app.seal;

import dev.sealer.app.HsmConnection;
import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.log.TransparencyLog;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealIds;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.app.storage.Storage;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where a seal is made: check the request, build the receipt, sign it with the active suite
 * under a key lease (both algorithms over the domain-separated canonical receipt), and hand it
 * to the group-commit queue ({@link CommitQueue}); the caller's answer comes after the commit.
 *
 * <p>Threads: {@link #seal} runs on the caller's thread (a gRPC worker) up to the queue; the
 * commit runs on the one {@code seal-commit} thread; answers are built on {@code seal-answer-*}.
 * {@link #sealFromIoThread} moves signing off the event loop onto {@code seal-sign-*}.
 */
@Singleton
public class SealWriter {
    @Inject
    SuiteRegistry suites;
    @Inject
    HsmConnection hsm;
    @Inject
    Storage storage;
    @Inject
    TransparencyLog log;
    @Inject
    RowGuard guard;
    @ConfigProperty(name = "sealer.commit.max-batch", defaultValue = "256")
    int maxBatch;
    /** Seals waiting for the commit writer at most; beyond it a seal is shed at once with OVERLOADED, never queued without bound. */
    @ConfigProperty(name = "sealer.commit.queue-capacity", defaultValue = "4096")
    int queueCapacity;
    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;
    @Inject
    CallerQuota quota;
    @Inject
    dev.sealer.app.metrics.SealerMetrics sealerMetrics;
    /** OpenTelemetry (a no-op unless quarkus.otel.sdk.disabled=false): spans sealer.sign, sealer.commit, sealer.anchor. */
    @Inject
    io.opentelemetry.api.trace.Tracer tracer;

    private CommitQueue queue;
    private final ExecutorService answers = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), Thread.ofPlatform().name("seal-answer-", 0).daemon().factory());
    /** Seals waiting for a signing thread at most; beyond it a seal is shed at once with OVERLOADED. */
    @ConfigProperty(name = "sealer.sign.queue-capacity", defaultValue = "4096")
    int signQueueCapacity;
    /** A unary seal that waited longer than this for a signing thread is shed (OVERLOADED) instead of signed. */
    @ConfigProperty(name = "sealer.admission.max-queue-wait", defaultValue = "PT2S")
    java.time.Duration maxQueueWait;

    /**
     * Signs seals for callers on I/O threads ({@link #sealFromIoThread}): one thread per core, the signing is CPU-bound, and
     * so few threads leave the commit writer and the answers their share of the cores under any load. Its queue is bounded.
     */
    private java.util.concurrent.ThreadPoolExecutor signers;
    private io.micrometer.core.instrument.Counter signShedFull;
    private io.micrometer.core.instrument.Counter signShedWait;

    @PostConstruct
    void start() {
        io.micrometer.core.instrument.Counter shed = metrics.counter("sealer.commit.shed");
        queue = new CommitQueue(storage, maxBatch, queueCapacity, log, guard, shed::increment);
        int n = Runtime.getRuntime().availableProcessors();
        signers = new java.util.concurrent.ThreadPoolExecutor(n, n, 0, java.util.concurrent.TimeUnit.MILLISECONDS,
                new SigningQueue(signQueueCapacity, 4 * n), Thread.ofPlatform().name("seal-sign-", 0).daemon().factory());
        signShedFull = metrics.counter("sealer.sign.shed", "bound", "queue-capacity");
        signShedWait = metrics.counter("sealer.sign.shed", "bound", "queue-wait");
        log.sealsInFlight(inFlight::get); // an ANCHORED seal is anchored at once when no other seal is on its way
    }

    /** A signing task and when it was queued: stale, for {@link SigningQueue}, once it waited longer than its bound. */
    private record TimedTask(long queued, long maxWaitNanos, Runnable work) implements Runnable, SigningQueue.Timed {
        @Override
        public void run() {
            work.run();
        }

        @Override
        public boolean stale(long nowNanos) {
            return nowNanos - queued > maxWaitNanos;
        }
    }

    /**
     * Runs {@code work} on a signing thread (in the order {@link SigningQueue} gives: adaptive LIFO under overload). Shed with OVERLOADED, nothing done, when the queue is full, or, if
     * {@code waitBounded}, when the work waited longer than {@code sealer.admission.max-queue-wait} for its thread (a
     * unary caller's latency stays bounded; a stream's items are bounded by its own window instead).
     */
    private <T> CompletableFuture<T> onSigner(java.util.function.Supplier<T> work, boolean waitBounded) {
        CompletableFuture<T> f = new CompletableFuture<>();
        long queued = System.nanoTime();
        long maxWait = maxQueueWait.toNanos();
        java.util.function.Supplier<T> traced = io.opentelemetry.context.Context.current().wrapSupplier(work);
        Runnable task = new TimedTask(queued, waitBounded ? maxWait : Long.MAX_VALUE, () -> {
            long waited = System.nanoTime() - queued;
            if (waitBounded && waited > maxWait) {
                signShedWait.increment();
                f.completeExceptionally(new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.OVERLOADED, String.format(
                        "the seal waited %d ms for a signing thread, longer than %d ms (sealer.admission.max-queue-wait): nothing was stored; "
                        + "retry later with the same request id", waited / 1_000_000, maxQueueWait.toMillis())));
                return;
            }
            try {
                f.complete(traced.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            signers.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            signShedFull.increment();
            f.completeExceptionally(new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.OVERLOADED, "the signing queue is full ("
                    + signQueueCapacity + " seals, sealer.sign.queue-capacity): nothing was stored; retry later with the same request id"));
        }
        return f;
    }

    @PreDestroy
    void stop() {
        queue.close();
        answers.shutdown();
        signers.shutdown();
    }

    public CompletableFuture<SealView> seal(SealCommand cmd) {
        return seal(cmd, CommitQueue.Admission.ALWAYS);
    }

    /** As {@link #seal(SealCommand)}; the seal is committed only while {@code admission} does not withdraw it (a deadline, a cancel). */
    public CompletableFuture<SealView> seal(SealCommand cmd, CommitQueue.Admission admission) {
        return submit(prepare(cmd), admission);
    }

    /** A checked, built and (SIGNED) signed seal, not yet queued. */
    record Prepared(SealCommand.Mode mode, Receipt receipt, byte[] canonical, DualSignature sig) {
    }

    /**
     * Checks the request and builds the receipt, signed when SIGNED; runs on the caller's thread and may wait for a signing
     * suite. A seal refused here is counted ({@code sealer_seals_total} by mode and outcome), as {@link #submit} counts the rest.
     */
    Prepared prepare(SealCommand cmd) {
        try {
            return prepareUncounted(cmd);
        } catch (RuntimeException e) {
            sealerMetrics.sealed(cmd.mode().name(), false, e);
            throw e;
        }
    }

    private Prepared prepareUncounted(SealCommand cmd) {
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
            if (cmd.mode() == SealCommand.Mode.SIGNED) {
                io.opentelemetry.api.trace.Span span = tracer.spanBuilder("sealer.sign").startSpan();
                try {
                    sig = lease.keys().sign(SignedMessage.receipt(canonical));
                } finally {
                    span.end();
                }
            }
        }
        return new Prepared(cmd.mode(), receipt, canonical, sig);
    }

    /** Seals queued and not yet answered; the shutdown drain waits for it to reach 0. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean admitting = true;

    /**
     * Queues a prepared seal for the group commit (never blocks); the future completes after the commit (SIGNED) or the
     * checkpoint (ANCHORED). Once {@link #stopAdmitting()} ran, a seal is refused with SHUTTING_DOWN and nothing is stored.
     */
    CompletableFuture<SealView> submit(Prepared p, CommitQueue.Admission admission) {
        String mode = p.mode().name();
        inFlight.incrementAndGet(); // counted before the flag is read, so the drain never misses a seal that got past it
        if (!admitting) {
            inFlight.decrementAndGet();
            admission.refused();
            dev.sealer.core.error.SealerException refused = new dev.sealer.core.error.SealerException(
                    dev.sealer.core.error.Reason.SHUTTING_DOWN, "the service is shutting down: nothing was stored; retry on another instance "
                    + "or after the restart with the same request id");
            sealerMetrics.sealed(mode, false, refused);
            return CompletableFuture.failedFuture(refused);
        }
        return submitUncounted(p, admission).whenComplete((v, e) -> {
            inFlight.decrementAndGet();
            sealerMetrics.sealed(mode, v != null && v.replayed(), e);
        });
    }

    /** From now on every seal is refused with SHUTTING_DOWN; those already queued go on to their answer. */
    public void stopAdmitting() {
        admitting = false;
    }

    /** Seals queued and not yet answered (committed and, for ANCHORED, in a checkpoint). */
    public int inFlight() {
        return inFlight.get();
    }

    private CompletableFuture<SealView> submitUncounted(Prepared p, CommitQueue.Admission admission) {
        CallerQuota.Permit permit;
        try {
            permit = quota.acquire(p.receipt().signer());
        } catch (RuntimeException e) {
            admission.refused();
            return CompletableFuture.failedFuture(e);
        }
        Receipt receipt = p.receipt();
        byte[] canonical = p.canonical();
        DualSignature sig = p.sig();
        io.opentelemetry.api.trace.Span commit = tracer.spanBuilder("sealer.commit")
                .setAttribute("sealer.seal_id", receipt.sealId().toString()).setAttribute("sealer.mode", p.mode().name()).startSpan();
        CompletableFuture<CommitQueue.Outcome> committed = (p.mode() == SealCommand.Mode.SIGNED
                ? queue.submit(receipt, canonical, sig.ed25519(), sig.mlDsa(), admission)
                : queue.submit(receipt, canonical, null, null, admission)).whenComplete((o, e) -> {
                    permit.close();
                    endSpan(commit, e);
                });
        if (p.mode() == SealCommand.Mode.SIGNED) {
            // answers are built off the single commit thread
            return committed.thenApplyAsync(SealWriter::view, answers);
        }
        // ANCHORED: one dual signature per checkpoint instead of one per seal
        return committed.thenCompose(o -> {
            SealView v = view(o);
            io.opentelemetry.api.trace.Span anchor = tracer.spanBuilder("sealer.anchor")
                    .setParent(io.opentelemetry.context.Context.current().with(commit))
                    .setAttribute("sealer.leaf_index", o.seal().leafIndex()).startSpan();
            // answers are built off the checkpointer thread, which must only sign and prove
            return log.awaitAnchor(o.seal().leafIndex()).whenComplete((a, e) -> endSpan(anchor, e)).thenApplyAsync(v::withAnchor, answers);
        });
    }

    private static void endSpan(io.opentelemetry.api.trace.Span span, Throwable failure) {
        if (failure != null) {
            span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }
        span.end();
    }

    /**
     * As {@link #seal}, for a caller on an I/O (event loop) thread that must not block: an ANCHORED
     * seal is validated, built and queued right here (a few microseconds), a SIGNED one is signed
     * on the signing pool first, and so is an ANCHORED one while no suite signs (it may wait).
     */
    public CompletableFuture<SealView> sealFromIoThread(SealCommand cmd) {
        return sealFromIoThread(cmd, CommitQueue.Admission.ALWAYS);
    }

    /** As {@link #sealFromIoThread(SealCommand)}, committed only while {@code admission} does not withdraw it. */
    public CompletableFuture<SealView> sealFromIoThread(SealCommand cmd, CommitQueue.Admission admission) {
        if (cmd.mode() == SealCommand.Mode.ANCHORED && suites.signsNow()) {
            return seal(cmd, admission);
        }
        // SIGNED, or no suite signs right now (a seal then waits for the scheduler's rotation): not on the event loop
        // (the caller's trace context goes along)
        return onSigner(() -> seal(cmd, admission), true).thenCompose(f -> f);
    }

    /**
     * Prepares a seal as {@link #sealFromIoThread} does (on the I/O thread for a quick ANCHORED seal, else on the
     * signing pool), without queueing it: {@link SealStreamSession} queues its items in request order.
     */
    CompletableFuture<Prepared> prepareFromIoThread(SealCommand cmd) {
        if (cmd.mode() == SealCommand.Mode.ANCHORED && suites.signsNow()) {
            try {
                return CompletableFuture.completedFuture(prepare(cmd));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return onSigner(() -> prepare(cmd), false);
    }

    /**
     * Runs other signing work (a DSSE envelope around a seal, docs/formats.md) on the same bounded signing pool as the
     * seals, shed with OVERLOADED the same way: one pool, one bound, for everything the suite keys sign on a caller's behalf.
     */
    public <T> CompletableFuture<T> onSigningPool(java.util.function.Supplier<T> work) {
        return onSigner(work, true);
    }

    /** A new stream of seals: all-or-answered ({@link SealStreamSession}). */
    public SealStreamSession stream(java.util.function.BooleanSupplier callerGone) {
        return new SealStreamSession(this, callerGone);
    }

    /** The answer for a commit: the new seal, or the earlier one when the request replayed it. */
    private static SealView view(CommitQueue.Outcome o) {
        return new SealView(o.seal(), o.replayed(), null);
    }
}
