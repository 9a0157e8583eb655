package dev.sealer.core.suite;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The keys of the signing suite, lent out by reference count so they are never pulled from
 * under a signer: {@code try (var lease = keyring.acquire()) { lease.keys().sign(m); }}. When
 * another suite's keys are {@link #install installed}, the superseded keys are wiped as soon as
 * the last lease taken on them closes (at once when none is open).
 */
public final class SuiteKeyring implements AutoCloseable {

    /** One installed set of keys; {@code refs} counts open leases plus one while it is current. */
    private static final class Held {
        final SuiteKeys keys;
        final AtomicInteger refs = new AtomicInteger(1);

        Held(SuiteKeys keys) {
            this.keys = keys;
        }

        boolean retain() {
            for (;;) {
                int n = refs.get();
                if (n <= 0) {
                    return false; // already released for good and wiped
                }
                if (refs.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                keys.wipe();
            }
        }
    }

    private volatile Held current;

    /** Installs the keys of the (new) signing suite; the previous keys are wiped once their last lease closes. */
    public void install(SuiteKeys keys) {
        Held previous;
        synchronized (this) {
            previous = current;
            if (previous != null && previous.keys == keys) {
                return;
            }
            current = new Held(keys);
        }
        if (previous != null) {
            previous.release();
        }
    }

    /** Suite id of the installed keys, if any. */
    public Optional<String> suiteId() {
        Held h = current;
        return h == null ? Optional.empty() : Optional.of(h.keys.suiteId());
    }

    /**
     * A lease on the installed keys: they stay usable until the lease is closed, even when other
     * keys are installed meanwhile.
     *
     * @throws IllegalStateException when no keys are installed (before start, after close)
     */
    public Lease acquire() {
        for (;;) {
            Held h = current;
            if (h == null) {
                throw new IllegalStateException("no suite keys are installed");
            }
            if (h.retain()) {
                return new Lease(h);
            }
            // superseded and wiped between the read and the retain: a newer one is installed, take that
        }
    }

    /** Supersedes the installed keys without a successor: wiped once the last lease closes. */
    @Override
    public void close() {
        Held previous;
        synchronized (this) {
            previous = current;
            current = null;
        }
        if (previous != null) {
            previous.release();
        }
    }

    /** The right to use one suite's keys until closed; closing twice is harmless. */
    public static final class Lease implements AutoCloseable {
        private final Held held;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(Held held) {
            this.held = held;
        }

        public SuiteKeys keys() {
            if (closed.get()) {
                throw new IllegalStateException("lease on the keys of " + held.keys.suiteId() + " is closed");
            }
            return held.keys;
        }

        public String suiteId() {
            return held.keys.suiteId();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                held.release();
            }
        }
    }
}
