package dev.sealer.core.suite;

import dev.sealer.core.json.Json;
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
    public record Entry(SuiteCertificate certificate, SuiteStatus status) {
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
                    suites.put(e.suiteId(), new Entry(current.certificate(), SuiteStatus.ACTIVE));
                }
                case OVERLAP -> suites.put(e.suiteId(), new Entry(require(current, e).certificate(), SuiteStatus.OVERLAP));
                case RETIRED -> suites.put(e.suiteId(), new Entry(require(current, e).certificate(), SuiteStatus.RETIRED));
                case REVOKED -> suites.put(e.suiteId(), new Entry(require(current, e).certificate(), SuiteStatus.REVOKED));
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

    public List<SuiteCertificate> certificates() {
        return suites.values().stream().map(Entry::certificate).toList();
    }
}
