package dev.sealer.core.suite;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The suite lifecycle as one pure state machine (DESIGN §3): {@link #decide} turns a command
 * into the events to append, and {@link #next} is the transition table that
 * {@link SuiteLedger#fold} enforces on every history. Nothing here does I/O: creating a suite
 * needs keys and a certificate from the HSM, which the caller supplies as a {@link SuiteFactory}
 * that decide() calls only when it decides a suite is created.
 *
 * <pre>
 *   (new)   --CREATED-->   PENDING
 *   PENDING --ACTIVATED--> ACTIVE      (only while no other suite is ACTIVE)
 *   ACTIVE  --OVERLAP-->   OVERLAP     (signing ends at the event's effective time)
 *   OVERLAP --RETIRED-->   RETIRED
 *   PENDING, OVERLAP, RETIRED --REVOKED--> REVOKED
 *   REVOKED: final
 * </pre>
 *
 * An ACTIVE suite is revoked by moving it to OVERLAP first (its signing ends now) and activating
 * a successor, so exactly one suite is ACTIVE after every decision.
 */
public final class SuiteLifecycle {
    private SuiteLifecycle() {
    }

    private static final Map<SuiteStatus, Map<SuiteEvent.Type, SuiteStatus>> TRANSITIONS = new EnumMap<>(SuiteStatus.class);
    private static final Map<SuiteEvent.Type, SuiteStatus> FROM_NOTHING = new EnumMap<>(SuiteEvent.Type.class);

    static {
        for (SuiteStatus s : SuiteStatus.values()) {
            TRANSITIONS.put(s, new EnumMap<>(SuiteEvent.Type.class));
        }
        FROM_NOTHING.put(SuiteEvent.Type.CREATED, SuiteStatus.PENDING);
        TRANSITIONS.get(SuiteStatus.PENDING).put(SuiteEvent.Type.ACTIVATED, SuiteStatus.ACTIVE);
        TRANSITIONS.get(SuiteStatus.PENDING).put(SuiteEvent.Type.REVOKED, SuiteStatus.REVOKED);
        TRANSITIONS.get(SuiteStatus.ACTIVE).put(SuiteEvent.Type.OVERLAP, SuiteStatus.OVERLAP);
        TRANSITIONS.get(SuiteStatus.OVERLAP).put(SuiteEvent.Type.RETIRED, SuiteStatus.RETIRED);
        TRANSITIONS.get(SuiteStatus.OVERLAP).put(SuiteEvent.Type.REVOKED, SuiteStatus.REVOKED);
        TRANSITIONS.get(SuiteStatus.RETIRED).put(SuiteEvent.Type.REVOKED, SuiteStatus.REVOKED);
    }

    /**
     * The transition table: the status after {@code event} for a suite in status {@code from}
     * ({@code null}: the suite does not exist yet), or empty when the event is illegal there.
     */
    public static Optional<SuiteStatus> next(SuiteStatus from, SuiteEvent.Type event) {
        Map<SuiteEvent.Type, SuiteStatus> row = from == null ? FROM_NOTHING : TRANSITIONS.get(from);
        return Optional.ofNullable(row.get(event));
    }

    /** How long suites sign and verify, and how long a rotated-out suite keeps signing so other instances switch in time. */
    public record Policy(Duration rotationPeriod, Duration overlap, Duration handover) {
        public Policy {
            if (overlap.isNegative() || handover.isNegative() || rotationPeriod.compareTo(handover) <= 0) {
                throw new IllegalArgumentException("the rotation period must be longer than the handover; overlap and handover not negative");
            }
        }
    }

    /**
     * The impure part of creating a suite, supplied by the caller: choose its id, derive its keys
     * and issue its certificate with exactly the given windows. Called at most once per decision.
     */
    @FunctionalInterface
    public interface SuiteFactory {
        SuiteCertificate create(Instant signFrom, Instant signUntil, Instant verifyUntil);
    }

    /** A requested change. {@code actor} is recorded on every event. */
    public sealed interface Command {
        String actor();
    }

    /** First start: create and activate a suite when none is active; nothing else. */
    public record Start(String actor) implements Command {
    }

    /**
     * First start after a key ceremony: when the history is empty, the suite the ceremony certified
     * (its windows as certified) is created and activated, provided it signs now; with any history
     * this is {@link Start}.
     */
    public record Adopt(SuiteCertificate certificate, String actor) implements Command {
        public Adopt {
            Objects.requireNonNull(certificate, "certificate");
        }
    }

    /**
     * The scheduled check: create a suite when none is active, rotate when the active suite's
     * signing window ends within the handover, retire OVERLAP suites past their verify_until.
     */
    public record Tick(String actor) implements Command {
    }

    /** Manual rotation; when {@code expectedActive} is set and no longer active, another caller already rotated: nothing happens. */
    public record Rotate(String expectedActive, String actor) implements Command {
    }

    /** Revocation with the time the key is believed compromised (not in the future). */
    public record Revoke(String suiteId, Instant compromisedSince, String reason, String actor) implements Command {
        public Revoke {
            Objects.requireNonNull(suiteId, "suiteId");
            Objects.requireNonNull(compromisedSince, "compromisedSince");
        }
    }

    /**
     * The events {@code command} causes on {@code ledger} at {@code now}, in append order (empty:
     * nothing to do). Throws {@link SealerException} for a request that cannot be honoured
     * (unknown or already revoked suite, compromise time in the future).
     */
    public static List<SuiteEvent> decide(SuiteLedger ledger, Instant now, Command command, Policy policy, SuiteFactory factory) {
        Instant t = now.truncatedTo(ChronoUnit.MICROS);
        List<SuiteEvent> events = new ArrayList<>();
        Optional<SuiteLedger.Entry> active = ledger.active();
        switch (command) {
            case Start s -> {
                if (active.isEmpty()) {
                    create(ledger, t, s.actor(), policy, factory, events);
                }
            }
            case Adopt a -> {
                if (ledger.all().isEmpty()) {
                    SuiteCertificate cert = a.certificate();
                    if (t.isBefore(cert.signFrom()) || !t.isBefore(cert.signUntil())) {
                        throw new SealerException(Reason.OUTSIDE_VALIDITY, "the ceremony's first suite " + cert.suiteId() + " does not sign now: its window is ["
                                + dev.sealer.core.time.Rfc3339.format(cert.signFrom()) + ", " + dev.sealer.core.time.Rfc3339.format(cert.signUntil()) + ")");
                    }
                    events.add(new SuiteEvent(cert.suiteId(), SuiteEvent.Type.CREATED, t, a.actor(), CanonicalJson.writeString(cert.toJsonValue())));
                    events.add(new SuiteEvent(cert.suiteId(), SuiteEvent.Type.ACTIVATED, t, a.actor(), "{}"));
                } else if (active.isEmpty()) {
                    create(ledger, t, a.actor(), policy, factory, events);
                }
            }
            case Tick tick -> {
                if (active.isEmpty()) {
                    create(ledger, t, tick.actor(), policy, factory, events);
                } else if (!t.isBefore(active.get().windows().signUntil().minus(policy.handover()))) {
                    rotateOut(active.get(), t, t.plus(policy.handover()), tick.actor(), events);
                    create(ledger, t, tick.actor(), policy, factory, events);
                }
                for (SuiteLedger.Entry e : ledger.all()) {
                    if (e.status() == SuiteStatus.OVERLAP && e.windows().overlapOverAt(t)) {
                        events.add(event(e, SuiteEvent.Type.RETIRED, t, tick.actor(), "{}"));
                    }
                }
            }
            case Rotate r -> {
                if (active.isEmpty()) {
                    create(ledger, t, r.actor(), policy, factory, events);
                } else if (r.expectedActive() == null || r.expectedActive().isEmpty()
                        || active.get().certificate().suiteId().equals(r.expectedActive())) {
                    rotateOut(active.get(), t, t.plus(policy.handover()), r.actor(), events);
                    create(ledger, t, r.actor(), policy, factory, events);
                }
            }
            case Revoke r -> {
                SuiteLedger.Entry target = ledger.get(r.suiteId())
                        .orElseThrow(() -> new SealerException(Reason.UNKNOWN_SUITE, "no suite " + r.suiteId()));
                if (target.status() == SuiteStatus.REVOKED) {
                    throw new SealerException(Reason.INVALID_ARGUMENT, "suite " + r.suiteId() + " is already revoked");
                }
                if (r.compromisedSince().isAfter(now)) {
                    throw new SealerException(Reason.INVALID_ARGUMENT, "compromised_since must not be in the future");
                }
                if (target.status() == SuiteStatus.ACTIVE) {
                    rotateOut(target, t, t, r.actor(), events); // a compromised key stops signing now, no handover
                    create(ledger, t, r.actor(), policy, factory, events);
                }
                String payload = CanonicalJson.writeString(Map.of("compromised_since", dev.sealer.core.time.Rfc3339.format(r.compromisedSince()),
                        "reason", r.reason() == null ? "" : r.reason()));
                events.add(event(target, SuiteEvent.Type.REVOKED, t, r.actor(), payload));
            }
        }
        return List.copyOf(events);
    }

    /** The active suite leaves signing at {@code end}, or when its window ends if that is earlier (never before {@code t}). */
    private static void rotateOut(SuiteLedger.Entry active, Instant t, Instant end, String actor, List<SuiteEvent> events) {
        Instant windowEnd = active.windows().signUntil();
        Instant endsAt = windowEnd.isBefore(end) ? (windowEnd.isBefore(t) ? t : windowEnd) : end;
        events.add(event(active, SuiteEvent.Type.OVERLAP, endsAt, actor, "{}"));
    }

    private static void create(SuiteLedger ledger, Instant t, String actor, Policy policy, SuiteFactory factory, List<SuiteEvent> events) {
        Instant signUntil = t.plus(policy.rotationPeriod());
        Instant verifyUntil = signUntil.plus(policy.overlap());
        SuiteCertificate cert = factory.create(t, signUntil, verifyUntil);
        if (!cert.signFrom().equals(t) || !cert.signUntil().equals(signUntil) || !cert.verifyUntil().equals(verifyUntil)) {
            throw new IllegalStateException("suite factory issued " + cert.suiteId() + " with other windows than asked for");
        }
        if (ledger.get(cert.suiteId()).isPresent()) {
            throw new IllegalStateException("suite factory chose the existing suite id " + cert.suiteId());
        }
        events.add(new SuiteEvent(cert.suiteId(), SuiteEvent.Type.CREATED, t, actor, CanonicalJson.writeString(cert.toJsonValue())));
        events.add(new SuiteEvent(cert.suiteId(), SuiteEvent.Type.ACTIVATED, t, actor, "{}"));
    }

    private static SuiteEvent event(SuiteLedger.Entry e, SuiteEvent.Type type, Instant at, String actor, String payload) {
        return new SuiteEvent(e.certificate().suiteId(), type, at, actor, payload);
    }
}
