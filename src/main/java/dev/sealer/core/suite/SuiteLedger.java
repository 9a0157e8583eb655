package dev.sealer.core.suite;

import dev.sealer.core.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Current suite state folded from the append-only event history, in order. The fold enforces
 * the transition table of {@link SuiteLifecycle} (a suite is created once, events name known
 * suites, nothing leaves REVOKED) and that at most one suite is ACTIVE.
 */
public final class SuiteLedger {
    /** One suite now: its certificate, status, and the lifecycle facts verifiers need. */
    public record Entry(SuiteCertificate certificate, SuiteStatus status, java.time.Instant signingEndedAt,
            java.time.Instant compromisedSince, java.time.Instant revokedAt, String reason) {
        Entry(SuiteCertificate certificate, SuiteStatus status) {
            this(certificate, status, null, null, null, null);
        }

        Entry with(SuiteStatus s) {
            return new Entry(certificate, s, signingEndedAt, compromisedSince, revokedAt, reason);
        }

        /** When this suite signs and verifies, and what its revocation invalidates (the rule the verifier applies too). */
        public SuiteWindows windows() {
            return SuiteWindows.of(certificate, statusEntry());
        }

        public SuiteStatusList.Entry statusEntry() {
            return new SuiteStatusList.Entry(certificate.suiteId(), status, signingEndedAt, compromisedSince, revokedAt, reason);
        }
    }

    private final Map<String, Entry> suites;

    private SuiteLedger(Map<String, Entry> suites) {
        this.suites = suites;
    }

    /**
     * Folds the history in order. Every event must be a transition of {@link SuiteLifecycle#next}
     * and an ACTIVATED event needs no other suite to be ACTIVE; otherwise throws a
     * {@link SuiteHistoryException} naming the event.
     */
    public static SuiteLedger fold(List<SuiteEvent> events) {
        Map<String, Entry> suites = new LinkedHashMap<>();
        String active = null;
        for (int i = 0; i < events.size(); i++) {
            SuiteEvent e = events.get(i);
            int at = i;
            Entry current = suites.get(e.suiteId());
            SuiteStatus from = current == null ? null : current.status();
            SuiteStatus to = SuiteLifecycle.next(from, e.type()).orElseThrow(() -> new SuiteHistoryException(e.suiteId(), e.type(),
                    at, from == null ? "the suite does not exist" : "illegal in status " + from));
            if (to == SuiteStatus.ACTIVE && active != null) {
                throw new SuiteHistoryException(e.suiteId(), e.type(), i, "suite " + active + " is active");
            }
            Entry next;
            try {
                next = switch (e.type()) {
                    case CREATED -> new Entry(SuiteCertificate.fromJsonValue(Json.parseObject(e.payload())), to);
                    case ACTIVATED, RETIRED -> current.with(to);
                    case OVERLAP -> new Entry(current.certificate(), to, e.effectiveAt(), null, null, null);
                    case REVOKED -> {
                        Map<String, Object> p = Json.parseObject(e.payload());
                        java.time.Instant since = dev.sealer.core.time.Rfc3339.parse(Json.string(p, "compromised_since"));
                        java.time.Instant ended = current.signingEndedAt() == null ? e.effectiveAt() : current.signingEndedAt();
                        yield new Entry(current.certificate(), to, ended, since, e.effectiveAt(), Json.optString(p, "reason").orElse(""));
                    }
                };
            } catch (RuntimeException bad) {
                throw new SuiteHistoryException(e.suiteId(), e.type(), i, "unreadable payload: " + bad.getMessage());
            }
            if (e.type() == SuiteEvent.Type.CREATED && !next.certificate().suiteId().equals(e.suiteId())) {
                throw new SuiteHistoryException(e.suiteId(), e.type(), i, "the certificate is of suite " + next.certificate().suiteId());
            }
            if (to == SuiteStatus.ACTIVE) {
                active = e.suiteId();
            } else if (e.suiteId().equals(active)) {
                active = null;
            }
            suites.put(e.suiteId(), next);
        }
        return new SuiteLedger(suites);
    }

    public Optional<Entry> active() {
        return suites.values().stream().filter(s -> s.status() == SuiteStatus.ACTIVE).findFirst();
    }

    public Optional<Entry> get(String suiteId) {
        return Optional.ofNullable(suites.get(suiteId));
    }

    public List<Entry> all() {
        return new ArrayList<>(suites.values());
    }

    public List<SuiteStatusList.Entry> statusEntries() {
        return suites.values().stream().map(Entry::statusEntry).toList();
    }

    public List<SuiteCertificate> certificates() {
        return suites.values().stream().map(Entry::certificate).toList();
    }
}
