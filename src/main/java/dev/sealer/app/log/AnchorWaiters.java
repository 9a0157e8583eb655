package dev.sealer.app.log;

import dev.sealer.core.log.Anchor;
import dev.sealer.core.log.CheckpointPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** ANCHORED seals waiting for a checkpoint to cover their leaf. Thread-safe. */
final class AnchorWaiters {
    private final ConcurrentSkipListMap<Long, List<CompletableFuture<Anchor>>> waiters = new ConcurrentSkipListMap<>();
    private volatile long oldestNanos = Long.MAX_VALUE;
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    CompletableFuture<Anchor> add(long leaf) {
        CompletableFuture<Anchor> f = new CompletableFuture<>();
        waiters.computeIfAbsent(leaf, k -> new CopyOnWriteArrayList<>()).add(f);
        count.incrementAndGet();
        if (oldestNanos == Long.MAX_VALUE) {
            oldestNanos = System.nanoTime();
        }
        return f;
    }

    /** How long the oldest waiter has waited, or {@link CheckpointPolicy#NOBODY_WAITING}. */
    long oldestWaitNanos(long now) {
        long oldest = oldestNanos;
        return oldest == Long.MAX_VALUE ? CheckpointPolicy.NOBODY_WAITING : Math.max(0, now - oldest);
    }

    /** How many seals wait. */
    int count() {
        return count.get();
    }

    /** The waiting leaves below {@code size}. */
    List<Long> below(long size) {
        return List.copyOf(waiters.headMap(size).keySet());
    }

    /** Completes the waiters of {@code leaves}: with their anchor, or with {@code failure} when the anchors could not be built. */
    void complete(List<Long> leaves, Map<Long, Anchor> anchors, Function<Long, Throwable> failure) {
        for (Long leaf : leaves) {
            List<CompletableFuture<Anchor>> fs = waiters.remove(leaf);
            if (fs == null) {
                continue;
            }
            count.addAndGet(-fs.size());
            Anchor a = anchors == null ? null : anchors.get(leaf);
            fs.forEach(f -> {
                if (a != null) {
                    f.complete(a);
                } else {
                    f.completeExceptionally(failure.apply(leaf));
                }
            });
        }
        oldestNanos = waiters.isEmpty() ? Long.MAX_VALUE : System.nanoTime();
    }
}
