package dev.sealer.core.log;

/**
 * When the log signs its next checkpoint: pure, so the cadence is tested without a clock or a
 * thread. With leaves pending, a checkpoint is due when {@code maxEntries} are pending, or when
 * ANCHORED seals wait and either {@code anchoredBatch} leaves are pending, or the oldest has
 * waited {@code anchoredMaxDelayNanos}, or no other seal is on its way (every seal in flight is a
 * committed one waiting for this checkpoint: waiting longer would batch nothing more), or in any
 * case {@code maxDelayNanos} after the last one.
 */
public record CheckpointPolicy(long maxEntries, long anchoredBatch, long anchoredMaxDelayNanos, long maxDelayNanos) {
    /** No ANCHORED seal is waiting. */
    public static final long NOBODY_WAITING = -1;

    /**
     * @param pending leaves committed but not yet in a checkpoint
     * @param oldestWaitNanos how long the oldest waiting ANCHORED seal has waited, or {@link #NOBODY_WAITING}
     * @param sinceLastNanos time since the last checkpoint was issued (or looked for)
     * @param othersComing whether seals other than the committed waiting ones are in flight (being signed, queued, committed)
     */
    public boolean due(long pending, long oldestWaitNanos, long sinceLastNanos, boolean othersComing) {
        if (pending <= 0) {
            return false;
        }
        boolean waiting = oldestWaitNanos != NOBODY_WAITING;
        return pending >= maxEntries || (waiting && (pending >= anchoredBatch || oldestWaitNanos >= anchoredMaxDelayNanos || !othersComing))
                || sinceLastNanos >= maxDelayNanos;
    }

    /** How long the checkpointer may sleep before {@link #due} can change without a new signal (at least 0). */
    public long sleepNanos(long pending, long oldestWaitNanos, long sinceLastNanos) {
        long sleep = maxDelayNanos - sinceLastNanos;
        if (pending > 0 && oldestWaitNanos != NOBODY_WAITING) {
            sleep = Math.min(sleep, anchoredMaxDelayNanos - oldestWaitNanos);
        }
        return Math.max(0, sleep);
    }
}
