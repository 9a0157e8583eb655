package dev.sealer.app.seal;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per-caller fairness on the seal path: one caller (the authenticated signer) may have at most
 * {@code sealer.admission.per-caller-in-flight} seals queued for the commit writer at a time; beyond that its
 * next seal is shed at once with OVERLOADED (counted in {@code sealer.admission.caller.shed}), so a single
 * client cannot fill the commit queue ({@code sealer.commit.queue-capacity}) and starve the others.
 *
 * <p>Bounded: an entry exists only while its caller has seals in flight, and is removed with its last one.
 */
@Singleton
public class CallerQuota {
    @ConfigProperty(name = "sealer.admission.per-caller-in-flight", defaultValue = "1024")
    int perCaller;
    @Inject
    MeterRegistry metrics;

    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private Counter shed;

    @PostConstruct
    void start() {
        shed = metrics.counter("sealer.admission.caller.shed");
    }

    /** A seal in flight for {@code caller}, released when its commit is decided; OVERLOADED when the caller already has its share. */
    public Permit acquire(String caller) {
        boolean[] admitted = {false};
        inFlight.compute(caller, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() < perCaller) {
                count.incrementAndGet();
                admitted[0] = true;
            }
            return count.get() == 0 ? null : count;
        });
        if (!admitted[0]) {
            shed.increment();
            throw new SealerException(Reason.OVERLOADED, "caller " + caller + " already has " + perCaller
                    + " seals in flight (sealer.admission.per-caller-in-flight): nothing was stored; retry later with the same request id");
        }
        return new Permit(caller);
    }

    /** Seals in flight for {@code caller} now. */
    public int inFlight(String caller) {
        AtomicInteger n = inFlight.get(caller);
        return n == null ? 0 : n.get();
    }

    /** One admitted seal; {@link #close} (idempotent) releases it. */
    public final class Permit implements AutoCloseable {
        private final String caller;
        private final AtomicInteger closed = new AtomicInteger();

        private Permit(String caller) {
            this.caller = caller;
        }

        @Override
        public void close() {
            if (closed.getAndIncrement() == 0) {
                inFlight.computeIfPresent(caller, (k, n) -> n.decrementAndGet() == 0 ? null : n);
            }
        }
    }
}
