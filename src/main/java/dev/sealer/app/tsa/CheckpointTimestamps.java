package dev.sealer.app.tsa;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.tsa.CheckpointStamp;
import dev.sealer.core.tsa.TimestampVerifier;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredCheckpoint;
import dev.sealer.app.storage.StoredTimestamp;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Every checkpoint gets an RFC 3161 time-stamp token over its body ({@link CheckpointStamp}):
 * right after it is signed ({@link #stampNow}), or, when no TSA answers then, by the catch-up
 * thread {@code checkpoint-stamper}, which retries the untimestamped checkpoints (oldest first,
 * backing off up to {@code sealer.tsa.retry-max}) until they all have one. A token is verified
 * against the configured TSAs' trust before it is stored, in the append-only, authenticated
 * {@code checkpoint_timestamps} table. A TSA outage never holds up a checkpoint or a seal.
 */
@Singleton
public class CheckpointTimestamps {
    private static final Logger LOG = Logger.getLogger(CheckpointTimestamps.class);
    private static final int CATCH_UP_BATCH = 64;

    @Inject
    Storage storage;
    @Inject
    RowGuard guard;
    @Inject
    TimestampAuthorities authorities;
    @Inject
    Clock clock;
    @ConfigProperty(name = "sealer.tsa.catch-up-interval", defaultValue = "5S")
    Duration catchUpInterval;
    @ConfigProperty(name = "sealer.tsa.retry-max", defaultValue = "30S")
    Duration retryMax;

    private final SecureRandom random = new SecureRandom();
    private volatile UnaryOperator<TsaClient> interposer = UnaryOperator.identity();
    private volatile String failing; // the last failure while checkpoints wait for a token; null when none wait
    private volatile long untimestamped;
    private volatile long stampedBelow; // every checkpoint of a size <= this has a token (as last seen)
    private volatile boolean running = true;
    private Thread thread;

    /** The state readiness reports. */
    public record Status(boolean degraded, long untimestamped, List<String> authorities, String lastError) {
    }

    @PostConstruct
    void start() {
        thread = Thread.ofPlatform().name("checkpoint-stamper").daemon().start(this::run);
    }

    @PreDestroy
    void stop() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Status status() {
        List<String> names = authorities.checkpointClients().stream().map(TsaClient::name).toList();
        String f = failing;
        boolean degraded = f != null || untimestamped > 0 || names.isEmpty();
        return new Status(degraded, untimestamped, names, names.isEmpty() ? "no time-stamping authority is configured for checkpoints" : f);
    }

    /** Test seam for faults a real TSA cannot be made to produce on demand: wraps every client (identity restores them). */
    public void interpose(UnaryOperator<TsaClient> wrapper) {
        interposer = wrapper;
        LockSupport.unpark(thread);
    }

    /** Wakes the catch-up thread now. */
    public void catchUpNow() {
        LockSupport.unpark(thread);
    }

    /**
     * Stamps {@code cp} now, unless checkpoints are already waiting for a TSA that fails (then the
     * catch-up stamps it, so a slow or absent TSA does not delay checkpoints). Never throws.
     */
    public Optional<byte[]> stampNow(StoredCheckpoint cp) {
        if (failing != null) {
            untimestamped++;
            LockSupport.unpark(thread);
            return Optional.empty();
        }
        try {
            return Optional.of(stamp(cp).token());
        } catch (RuntimeException e) {
            fail(e);
            untimestamped++;
            LockSupport.unpark(thread);
            return Optional.empty();
        }
    }

    /** Gets, verifies and stores a token for {@code cp} from the first TSA that gives one; throws when none does. */
    StoredTimestamp stamp(StoredCheckpoint cp) {
        byte[] imprint = CheckpointStamp.imprint(cp.note());
        List<String> problems = new ArrayList<>();
        List<TsaClient> clients = authorities.checkpointClients();
        if (clients.isEmpty()) {
            throw new SealerException(dev.sealer.core.error.Reason.TSA_UNAVAILABLE, "no time-stamping authority is configured for checkpoints");
        }
        for (TsaClient client : clients) {
            TsaClient c = interposer.apply(client);
            try {
                BigInteger nonce = new BigInteger(63, random);
                byte[] token = c.timestamp(imprint, nonce);
                TimestampVerifier.Verified v = authorities.verify(token, imprint);
                StoredTimestamp row = StoredTimestamp.of(cp.treeSize(), client.name(), v.genTime(), token, clock.instant(), guard.authenticator());
                return storage.transaction("storing a checkpoint's time-stamp token", t -> {
                    t.timestamps().insert(row); // another instance may have stamped it first: then its row stays
                    return t.timestamps().at(cp.treeSize()).orElse(row);
                });
            } catch (RuntimeException e) {
                problems.add(client.name() + ": " + e.getMessage());
            }
        }
        throw new SealerException(dev.sealer.core.error.Reason.TSA_UNAVAILABLE, "no time-stamp token for checkpoint " + cp.treeSize() + ": "
                + String.join("; ", problems));
    }

    private void fail(RuntimeException e) {
        if (failing == null) {
            LOG.warnf("checkpoints are not time-stamped for now (they are signed and kept; tokens follow when a TSA answers): %s", e.getMessage());
        }
        failing = e.getMessage();
    }

    private void run() {
        long backoff = 1_000_000_000L;
        while (running) {
            boolean ok;
            try {
                ok = catchUp();
            } catch (RuntimeException e) {
                fail(e);
                ok = false;
            }
            long sleep;
            if (ok) {
                if (failing != null) {
                    LOG.infof("every checkpoint is time-stamped again");
                }
                failing = null;
                backoff = 1_000_000_000L;
                sleep = catchUpInterval.toNanos();
            } else {
                sleep = backoff;
                backoff = Math.min(backoff * 2, retryMax.toNanos());
            }
            LockSupport.parkNanos(this, sleep);
        }
    }

    /** Stamps the untimestamped checkpoints; true when none is left. */
    boolean catchUp() {
        while (running) {
            List<StoredCheckpoint> todo = storage.read("reading untimestamped checkpoints", t -> {
                long latest = t.log().latestCheckpoint().map(StoredCheckpoint::treeSize).orElse(0L); // read first: all up to it are then checked below
                List<Long> sizes = t.timestamps().untimestamped(stampedBelow, CATCH_UP_BATCH);
                untimestamped = sizes.size() < CATCH_UP_BATCH ? sizes.size() : t.timestamps().untimestampedCount(stampedBelow);
                if (sizes.isEmpty()) {
                    stampedBelow = Math.max(stampedBelow, latest);
                    return null;
                }
                List<StoredCheckpoint> found = new ArrayList<>();
                for (long size : sizes) {
                    t.log().checkpointAt(size).map(guard::requireAuthentic).ifPresent(found::add);
                }
                return found;
            });
            if (todo == null) {
                return true;
            }
            for (StoredCheckpoint cp : todo) {
                stamp(cp); // throws when no TSA answers: the loop backs off and tries again
                untimestamped = Math.max(0, untimestamped - 1);
            }
        }
        return false;
    }
}
