package dev.sealer.app.seal;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * One SealStream: all-or-answered. Items are checked and signed in parallel (as {@link SealWriter#sealFromIoThread}),
 * but they enter the commit queue in request order, and only while every earlier item did; the commit writer asks
 * {@link #withdrawn} just before each insert and reports every item it did not commit ({@link #refused}). So once an
 * item fails — invalid, shed, refused at commit (conflict, unknown parent), its batch failed — or the caller is gone,
 * no later item of the stream is committed. Every committed item precedes the failing one, and the stream answers
 * those before it ends with the failure.
 *
 * <p>Threads: {@link #next} is called by the stream's inbound callbacks (serialised by gRPC); the ordering chain runs
 * on whichever thread completes a step (signing pool, event loop, commit writer); nothing here blocks.
 */
public final class SealStreamSession {
    private final SealWriter writer;
    private final BooleanSupplier callerGone;
    /** Set when the caller left: no item not yet committed is committed. */
    private volatile boolean stopped;
    /** The position of the first item that failed (Long.MAX_VALUE while none did): items after it are never committed. */
    private final java.util.concurrent.atomic.AtomicLong firstFailed = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    private long items; // guarded by this
    /** Completes when the latest item has been queued or has failed (guarded by this). */
    private CompletableFuture<Void> queued = CompletableFuture.completedFuture(null);

    SealStreamSession(SealWriter writer, BooleanSupplier callerGone) {
        this.writer = writer;
        this.callerGone = callerGone;
    }

    /**
     * The next item of the stream: its answer, or its failure; an item after a failure fails with
     * {@link Reason#ABANDONED} and is never committed. {@code cmd} is null for an item that could not even be
     * mapped to a command ({@code mappingError} says why): it stops the stream in its place.
     */
    public synchronized CompletableFuture<SealView> next(SealCommand cmd, RuntimeException mappingError) {
        CompletableFuture<SealView> answer = new CompletableFuture<>();
        Item item = new Item(items++);
        CompletableFuture<SealWriter.Prepared> prepared;
        if (mappingError != null) {
            prepared = CompletableFuture.failedFuture(mappingError);
        } else {
            prepared = writer.prepareFromIoThread(cmd);
        }
        queued = queued.thenCompose(v -> prepared.handle((p, error) -> {
            try {
                if (error != null) {
                    item.refused();
                    answer.completeExceptionally(error);
                } else if (item.withdrawn()) {
                    answer.completeExceptionally(new SealerException(Reason.ABANDONED, "not committed: an earlier item of this stream failed"));
                } else {
                    writer.submit(p, item).whenComplete((view, e) -> {
                        if (e != null) {
                            answer.completeExceptionally(e);
                        } else {
                            answer.complete(view);
                        }
                    });
                }
            } catch (RuntimeException e) {
                item.refused(); // never leave the chain broken: every later item must still get its answer
                answer.completeExceptionally(e);
            }
            return null;
        }));
        return answer;
    }

    /** The caller left: no item that is not committed yet is committed. */
    public void stop() {
        stopped = true;
    }

    /** One item's admission: withdrawn once the caller left or an earlier item failed. */
    private final class Item implements CommitQueue.Admission {
        private final long position;

        Item(long position) {
            this.position = position;
        }

        @Override
        public boolean withdrawn() {
            return stopped || position > firstFailed.get() || callerGone.getAsBoolean();
        }

        @Override
        public void refused() {
            firstFailed.accumulateAndGet(position, Math::min);
        }
    }
}
