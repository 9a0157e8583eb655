package dev.sealer.app.seal;

import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * The signing pool's queue: bounded, and adaptive LIFO. While at most {@code lifoAbove} seals wait it is first in, first
 * out; beyond that (overload) the newest seal is signed first, so the seals that are signed have hardly waited and their
 * callers' latency stays low, while the oldest age out: a seal whose caller's wait bound has passed is taken first (its
 * task then sheds it at once, OVERLOADED, without signing), so none lingers at the bottom.
 */
final class SigningQueue extends LinkedBlockingDeque<Runnable> {
    /** A queued task that knows whether it waited too long to be worth running. */
    interface Timed {
        boolean stale(long nowNanos);
    }

    private final int lifoAbove;

    SigningQueue(int capacity, int lifoAbove) {
        super(capacity);
        this.lifoAbove = lifoAbove;
    }

    /** The task to run next, or null when the queue is (or just became) empty. */
    private Runnable pick() {
        Runnable oldest = peekFirst();
        if (oldest == null) {
            return null;
        }
        if (size() <= lifoAbove || oldest instanceof Timed t && t.stale(System.nanoTime())) {
            return pollFirst();
        }
        return pollLast();
    }

    @Override
    public Runnable take() throws InterruptedException {
        Runnable r = pick();
        return r != null ? r : takeFirst();
    }

    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
        Runnable r = pick();
        return r != null ? r : pollFirst(timeout, unit);
    }

    @Override
    public Runnable poll() {
        return pick();
    }
}
