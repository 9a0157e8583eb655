package dev.sealer.core.suite;

import dev.sealer.core.json.Json;
import dev.sealer.core.time.Rfc3339;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Current suite state folded from the append-only event history, in order. The fold checks the
 * invariants in one place: a suite is created once, events name known suites, and at most one
 * suite is ACTIVE.
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

        /** When this suite stopped (or will stop) signing: rotation time or the certificate's sign_until. */
        public java.time.Instant effectiveSignUntil() {
            return signingEndedAt != null && signingEndedAt.isBefore(certificate.signUntil()) ? signingEndedAt : certificate.signUntil();
        }

        public SuiteStatusList.Entry statusEntry() {
            return new SuiteStatusList.Entry(certificate.suiteId(), status, signingEndedAt, compromisedSince, revokedAt, reason);
        }
    }

    private final Map<String, Entry> suites;

    private SuiteLedger(Map<String, Entry> suites) {
        this.suites = suites;
    }

    public static SuiteLedger fold(List<SuiteEvent> events) {
        Map<String, Entry> suites = new LinkedHashMap<>();
        for (SuiteEvent e : events) {
            Entry current = suites.get(e.suiteId());
            switch (e.type()) {
                case CREATED -> {
                    if (current != null) {
                        throw new IllegalStateException("suite " + e.suiteId() + " created twice");
                    }
                    suites.put(e.suiteId(), new Entry(SuiteCertificate.fromJsonValue(Json.parseObject(e.payload())), SuiteStatus.PENDING));
                }
                case ACTIVATED -> {
                    require(current, e);
                    for (Map.Entry<String, Entry> other : suites.entrySet()) {
                        if (other.getValue().status() == SuiteStatus.ACTIVE && !other.getKey().equals(e.suiteId())) {
                            throw new IllegalStateException("suite " + e.suiteId() + " activated while " + other.getKey() + " is active");
                        }
                    }
                    suites.put(e.suiteId(), current.with(SuiteStatus.ACTIVE));
                }
                case OVERLAP -> {
                    Entry c = require(current, e);
                    suites.put(e.suiteId(), new Entry(c.certificate(), SuiteStatus.OVERLAP, e.effectiveAt(), null, null, null));
                }
                case RETIRED -> suites.put(e.suiteId(), require(current, e).with(SuiteStatus.RETIRED));
                case REVOKED -> {
                    Entry c = require(current, e);
                    Map<String, Object> p = Json.parseObject(e.payload());
                    java.time.Instant since = Rfc3339.parse(Json.string(p, "compromised_since"));
                    java.time.Instant ended = c.signingEndedAt() == null ? e.effectiveAt() : c.signingEndedAt();
                    suites.put(e.suiteId(), new Entry(c.certificate(), SuiteStatus.REVOKED, ended, since, e.effectiveAt(),
                            Json.optString(p, "reason").orElse("")));
                }
            }
        }
        return new SuiteLedger(suites);
    }

    private static Entry require(Entry current, SuiteEvent e) {
        if (current == null) {
            throw new IllegalStateException(e.type() + " event for unknown suite " + e.suiteId());
        }
        return current;
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
