package dev.sealer.app.audit;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.app.storage.AuditEvent;
import dev.sealer.app.storage.AuditFilter;
import dev.sealer.app.storage.PageCursor;
import dev.sealer.app.storage.Storage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The audit trail of denied calls and key-admin actions, written to the WORM
 * {@code audit_events} table.
 *
 * <p>{@link #record} never blocks and never touches the database: the access-control
 * interceptor calls it on the gRPC event loop. Events go into a bounded queue that one writer
 * thread drains in batches, retrying while the database is unavailable. Delivery is therefore
 * <b>at most once</b>: events still queued when the process dies, or offered while the queue is
 * full, are lost (counted in {@code sealer_audit_events_dropped_total} and logged). Admin actions
 * that must not be lost are to be audited synchronously, in the same transaction as the action.
 */
@Singleton
public class AuditTrail {
    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    private static final int MAX_BATCH = 256;
    private static final int MAX_FIELD = 2048;

    @Inject
    Storage storage;
    @Inject
    MeterRegistry metrics;
    @Inject
    dev.sealer.app.integrity.RowGuard guard;
    @ConfigProperty(name = "sealer.audit.queue-capacity", defaultValue = "10000")
    int capacity;

    private BlockingQueue<AuditEvent> queue;
    private Thread writer;
    private volatile boolean stopping;
    private Counter dropped;
    private Counter written;

    public record Page(List<AuditEvent> events, String nextPageToken) {
    }

    @PostConstruct
    void start() {
        queue = new ArrayBlockingQueue<>(capacity);
        dropped = metrics.counter("sealer.audit.events.dropped");
        written = metrics.counter("sealer.audit.events.written");
        writer = Thread.ofPlatform().name("sealer-audit-writer").daemon(true).start(this::drain);
    }

    @PreDestroy
    void stop() {
        stopping = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!queue.isEmpty()) {
            LOG.warnf("audit: %d event(s) not written at shutdown", queue.size());
        }
    }

    /** Queues one event for writing; never blocks. Returns false (and counts it) when the queue is full. */
    public boolean record(String actor, String action, String target, String outcome, String detail) {
        AuditEvent e = new AuditEvent(0, Instant.now(), clip(actor), clip(action), clip(target), clip(outcome), clip(detail));
        if (queue.offer(e)) {
            return true;
        }
        dropped.increment();
        LOG.warnf("audit: queue full, event dropped: actor=%s action=%s outcome=%s", e.actor(), e.action(), e.outcome());
        return false;
    }

    /** One page of events, ordered by (occurred_at, event_seq). */
    public Page list(AuditFilter filter, String pageToken, int pageSize) {
        PageCursor cursor = PageCursor.decode(pageToken);
        Instant afterTime = cursor == null ? null : cursor.time();
        long afterSeq;
        try {
            afterSeq = cursor == null ? 0 : Long.parseLong(cursor.key());
        } catch (NumberFormatException e) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "page_token is not a token this service issued");
        }
        List<AuditEvent> rows = storage.read("listing audit events", t -> t.audit().list(filter, afterTime, afterSeq, pageSize + 1));
        String next = "";
        if (rows.size() > pageSize) {
            rows = rows.subList(0, pageSize);
            AuditEvent last = rows.getLast();
            next = new PageCursor(last.occurredAt(), Long.toString(last.eventSeq())).encode();
        }
        return new Page(List.copyOf(rows), next);
    }

    private void drain() {
        List<AuditEvent> batch = new ArrayList<>();
        long backoff = 100;
        while (true) {
            if (batch.isEmpty()) {
                try {
                    AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (stopping) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                } catch (InterruptedException e) {
                    return;
                }
                queue.drainTo(batch, MAX_BATCH - 1);
            }
            try {
                write(batch);
                written.increment(batch.size());
                batch.clear();
                backoff = 100;
            } catch (RuntimeException e) {
                if (stopping) {
                    LOG.warnf("audit: %d event(s) lost at shutdown: %s", batch.size() + queue.size(), e.getMessage());
                    return;
                }
                LOG.warnf("audit: cannot write %d event(s), retrying in %d ms: %s", batch.size(), backoff, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private void write(List<AuditEvent> batch) {
        storage.transaction("writing " + batch.size() + " audit event(s)", t -> {
            t.audit().insert(batch, guard.authenticator());
            return null;
        });
    }

    private static String clip(String s) {
        return s == null || s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD) + "…";
    }
}
