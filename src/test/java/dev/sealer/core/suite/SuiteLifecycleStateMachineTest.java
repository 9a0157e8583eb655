package dev.sealer.core.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.suite.SuiteEvent.Type;
import dev.sealer.core.suite.SuiteLifecycle.Command;
import dev.sealer.core.suite.SuiteLifecycle.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pure suite state machine: its transition table, the fold that enforces it, and random
 * command sequences checked against the lifecycle invariants of DESIGN §3.
 */
class SuiteLifecycleStateMachineTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final byte[] ED = new byte[32];
    static final byte[] PQ = new byte[1952];

    /** Certificates with well-formed placeholder keys and signatures: the state machine never checks them. */
    static SuiteCertificate cert(String id, Instant from, Instant until, Instant verifyUntil) {
        return new SuiteCertificate(id, SignatureAlgorithm.ML_DSA_65, ED, PQ, from, until, verifyUntil, from, new byte[] {1}, new byte[] {2});
    }

    static SuiteEvent created(String id, Instant at) {
        return new SuiteEvent(id, Type.CREATED, at, "test", CanonicalJson.writeString(cert(id, at, at.plus(Duration.ofDays(10)),
                at.plus(Duration.ofDays(12))).toJsonValue()));
    }

    static SuiteEvent ev(String id, Type type, Instant at) {
        String payload = type == Type.REVOKED
                ? CanonicalJson.writeString(Map.of("compromised_since", dev.sealer.core.time.Rfc3339.format(at), "reason", "test"))
                : "{}";
        return new SuiteEvent(id, type, at, "test", payload);
    }

    /** A history that leaves suite "s" in {@code status} (no other suite involved). */
    static List<SuiteEvent> reach(SuiteStatus status) {
        List<SuiteEvent> h = new ArrayList<>();
        h.add(created("s", T0));
        switch (status) {
            case PENDING -> {
            }
            case ACTIVE -> h.add(ev("s", Type.ACTIVATED, T0));
            case OVERLAP -> {
                h.add(ev("s", Type.ACTIVATED, T0));
                h.add(ev("s", Type.OVERLAP, T0.plusSeconds(5)));
            }
            case RETIRED -> {
                h.add(ev("s", Type.ACTIVATED, T0));
                h.add(ev("s", Type.OVERLAP, T0.plusSeconds(5)));
                h.add(ev("s", Type.RETIRED, T0.plusSeconds(9)));
            }
            case REVOKED -> h.add(ev("s", Type.REVOKED, T0.plusSeconds(1)));
        }
        return h;
    }

    @Test
    void transitionTable_isExactlyTheLifecycleOfDesign3_andFoldAcceptsOnlyItsTransitions() {
        // the table as DESIGN §3 describes it, written out: (from, event) -> to; every other pair is illegal
        Map<SuiteStatus, Map<Type, SuiteStatus>> expected = new EnumMap<>(SuiteStatus.class);
        for (SuiteStatus s : SuiteStatus.values()) {
            expected.put(s, new EnumMap<>(Type.class));
        }
        expected.get(SuiteStatus.PENDING).put(Type.ACTIVATED, SuiteStatus.ACTIVE);
        expected.get(SuiteStatus.PENDING).put(Type.REVOKED, SuiteStatus.REVOKED);
        expected.get(SuiteStatus.ACTIVE).put(Type.OVERLAP, SuiteStatus.OVERLAP);
        expected.get(SuiteStatus.OVERLAP).put(Type.RETIRED, SuiteStatus.RETIRED);
        expected.get(SuiteStatus.OVERLAP).put(Type.REVOKED, SuiteStatus.REVOKED);
        expected.get(SuiteStatus.RETIRED).put(Type.REVOKED, SuiteStatus.REVOKED);

        List<String> wrong = new ArrayList<>();
        for (Type type : Type.values()) {
            SuiteStatus fromNothing = type == Type.CREATED ? SuiteStatus.PENDING : null;
            if (!java.util.Objects.equals(SuiteLifecycle.next(null, type).orElse(null), fromNothing)) {
                wrong.add("(new) --" + type + "--> " + SuiteLifecycle.next(null, type));
            }
        }
        for (SuiteStatus from : SuiteStatus.values()) {
            for (Type type : Type.values()) {
                SuiteStatus want = expected.get(from).get(type);
                if (!java.util.Objects.equals(SuiteLifecycle.next(from, type).orElse(null), want)) {
                    wrong.add(from + " --" + type + "--> " + SuiteLifecycle.next(from, type) + ", expected " + want);
                }
                // the fold enforces the same table
                List<SuiteEvent> h = reach(from);
                h.add(ev("s", type, T0.plusSeconds(20)));
                if (type == Type.CREATED) {
                    h.set(h.size() - 1, created("s", T0.plusSeconds(20)));
                }
                if (want == null) {
                    try {
                        SuiteLedger.fold(h);
                        wrong.add("fold accepted " + from + " --" + type);
                    } catch (SuiteHistoryException e) {
                        if (!e.suiteId().equals("s") || e.type() != type || e.position() != h.size() - 1
                                || !e.getMessage().contains("#" + (h.size() - 1)) || !e.getMessage().contains(type.name())) {
                            wrong.add("fold named the wrong event for " + from + " --" + type + ": " + e.getMessage());
                        }
                    }
                } else {
                    assertEquals(want, SuiteLedger.fold(h).get("s").orElseThrow().status(), from + " --" + type);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void fold_activatedEventAfterRevoked_throwsNamingTheEvent() {
        List<SuiteEvent> h = new ArrayList<>(reach(SuiteStatus.OVERLAP));
        h.add(ev("s", Type.REVOKED, T0.plusSeconds(6)));
        h.add(ev("s", Type.ACTIVATED, T0.plusSeconds(7)));
        SuiteHistoryException e = assertThrows(SuiteHistoryException.class, () -> SuiteLedger.fold(h));
        assertEquals("suite event #4 (ACTIVATED of suite s): illegal in status REVOKED", e.getMessage());
    }

    @Test
    void fold_secondActivationWhileAnotherSuiteIsActive_throws() {
        List<SuiteEvent> h = new ArrayList<>(reach(SuiteStatus.ACTIVE));
        h.add(created("t", T0.plusSeconds(1)));
        h.add(ev("t", Type.ACTIVATED, T0.plusSeconds(1)));
        SuiteHistoryException e = assertThrows(SuiteHistoryException.class, () -> SuiteLedger.fold(h));
        assertEquals(3, e.position());
        assertTrue(e.getMessage().contains("suite s is active"), e.getMessage());
    }

    @Test
    void fold_eventForAnUnknownSuite_throws() {
        SuiteHistoryException e = assertThrows(SuiteHistoryException.class, () -> SuiteLedger.fold(List.of(ev("ghost", Type.ACTIVATED, T0))));
        assertEquals("ghost", e.suiteId());
        assertEquals(0, e.position());
    }

    /** A factory with predictable ids that counts its calls. */
    static final class Factory implements SuiteLifecycle.SuiteFactory {
        int created;
        int callsThisDecision;

        @Override
        public SuiteCertificate create(Instant signFrom, Instant signUntil, Instant verifyUntil) {
            created++;
            callsThisDecision++;
            return cert("suite-" + created, signFrom, signUntil, verifyUntil);
        }
    }

    static final Policy POLICY = new Policy(Duration.ofDays(30), Duration.ofDays(7), Duration.ofSeconds(10));

    @Test
    void decide_firstStart_createsAndActivatesOneSuite_andStartIsIdempotent() {
        Factory f = new Factory();
        List<SuiteEvent> events = SuiteLifecycle.decide(SuiteLedger.fold(List.of()), T0, new SuiteLifecycle.Start("system"), POLICY, f);
        assertEquals(List.of(Type.CREATED, Type.ACTIVATED), events.stream().map(SuiteEvent::type).toList());
        SuiteLedger l = SuiteLedger.fold(events);
        SuiteWindows w = l.active().orElseThrow().windows();
        assertEquals(new SuiteWindows("suite-1", T0, T0.plus(Duration.ofDays(30)), T0.plus(Duration.ofDays(37)), null), w);
        assertEquals(List.of(), SuiteLifecycle.decide(l, T0.plusSeconds(1), new SuiteLifecycle.Start("system"), POLICY, f));
        assertEquals(1, f.created);
    }

    @Test
    void decide_manualRotation_oldSuiteSignsThroughTheHandover_guardedRotationByAStaleCallerDoesNothing() {
        Factory f = new Factory();
        List<SuiteEvent> h = new ArrayList<>(SuiteLifecycle.decide(SuiteLedger.fold(List.of()), T0, new SuiteLifecycle.Start("s"), POLICY, f));
        Instant t = T0.plus(Duration.ofDays(3));
        h.addAll(SuiteLifecycle.decide(SuiteLedger.fold(h), t, new SuiteLifecycle.Rotate("suite-1", "admin"), POLICY, f));
        SuiteLedger l = SuiteLedger.fold(h);
        assertEquals("suite-2", l.active().orElseThrow().certificate().suiteId());
        SuiteWindows old = l.get("suite-1").orElseThrow().windows();
        assertEquals(t.plus(POLICY.handover()), old.signUntil());
        assertTrue(old.signsAt(t.plusSeconds(9)) && !old.signsAt(t.plusSeconds(10)));
        assertTrue(l.active().orElseThrow().windows().signsAt(t));
        assertEquals(List.of(), SuiteLifecycle.decide(l, t.plusSeconds(1), new SuiteLifecycle.Rotate("suite-1", "admin"), POLICY, f));
    }

    @Test
    void decide_scheduledTick_rotatesAHandoverBeforeTheWindowEnds_andRetiresAfterVerifyUntil() {
        Factory f = new Factory();
        List<SuiteEvent> h = new ArrayList<>(SuiteLifecycle.decide(SuiteLedger.fold(List.of()), T0, new SuiteLifecycle.Start("s"), POLICY, f));
        Instant end = T0.plus(POLICY.rotationPeriod());
        assertEquals(List.of(), SuiteLifecycle.decide(SuiteLedger.fold(h), end.minusSeconds(11), new SuiteLifecycle.Tick("scheduler"), POLICY, f));
        h.addAll(SuiteLifecycle.decide(SuiteLedger.fold(h), end.minusSeconds(10), new SuiteLifecycle.Tick("scheduler"), POLICY, f));
        SuiteLedger l = SuiteLedger.fold(h);
        assertEquals(SuiteStatus.OVERLAP, l.get("suite-1").orElseThrow().status());
        assertEquals(end, l.get("suite-1").orElseThrow().windows().signUntil(), "keeps signing to the end of its window");
        Instant verifyUntil = l.get("suite-1").orElseThrow().windows().verifyUntil();
        assertEquals(List.of(), SuiteLifecycle.decide(l, verifyUntil.minusNanos(1000), new SuiteLifecycle.Tick("scheduler"), POLICY, f));
        List<SuiteEvent> retire = SuiteLifecycle.decide(l, verifyUntil, new SuiteLifecycle.Tick("scheduler"), POLICY, f);
        assertEquals(List.of(new SuiteEvent("suite-1", Type.RETIRED, verifyUntil, "scheduler", "{}")), retire);
    }

    @Test
    void decide_revokingTheActiveSuite_endsItsSigningNowAndActivatesASuccessor() {
        Factory f = new Factory();
        List<SuiteEvent> h = new ArrayList<>(SuiteLifecycle.decide(SuiteLedger.fold(List.of()), T0, new SuiteLifecycle.Start("s"), POLICY, f));
        Instant t = T0.plus(Duration.ofDays(2));
        List<SuiteEvent> revoke = SuiteLifecycle.decide(SuiteLedger.fold(h), t,
                new SuiteLifecycle.Revoke("suite-1", t.minus(Duration.ofHours(1)), "leak", "admin"), POLICY, f);
        assertEquals(List.of("suite-1 OVERLAP", "suite-2 CREATED", "suite-2 ACTIVATED", "suite-1 REVOKED"),
                revoke.stream().map(e -> e.suiteId() + " " + e.type()).toList());
        h.addAll(revoke);
        SuiteLedger l = SuiteLedger.fold(h);
        SuiteWindows w = l.get("suite-1").orElseThrow().windows();
        assertEquals(t, w.signUntil());
        assertEquals(t.minus(Duration.ofHours(1)), w.compromisedSince());
        assertEquals("suite-2", l.active().orElseThrow().certificate().suiteId());
        SealerException again = assertThrows(SealerException.class, () -> SuiteLifecycle.decide(l, t,
                new SuiteLifecycle.Revoke("suite-1", t, "", "admin"), POLICY, f));
        assertEquals(Reason.INVALID_ARGUMENT, again.reason());
        SealerException future = assertThrows(SealerException.class, () -> SuiteLifecycle.decide(l, t,
                new SuiteLifecycle.Revoke("suite-2", t.plusSeconds(1), "", "admin"), POLICY, f));
        assertEquals(Reason.INVALID_ARGUMENT, future.reason());
        assertEquals(Reason.UNKNOWN_SUITE, assertThrows(SealerException.class, () -> SuiteLifecycle.decide(l, t,
                new SuiteLifecycle.Revoke("nope", t, "", "admin"), POLICY, f)).reason());
    }

    @Test
    void windows_revocationRule_keepsOnlySealsCommittedAndAnchoredBeforeTheCompromise() {
        SuiteCertificate c = cert("x", T0, T0.plus(Duration.ofDays(10)), T0.plus(Duration.ofDays(12)));
        Instant since = T0.plus(Duration.ofDays(5));
        SuiteWindows w = SuiteWindows.of(c, new SuiteStatusList.Entry("x", SuiteStatus.REVOKED, T0.plus(Duration.ofDays(6)), since,
                T0.plus(Duration.ofDays(6)), "r"));
        Instant before = since.minusSeconds(1);
        assertTrue(!w.revocationInvalidates(before, before), "committed and anchored before");
        assertTrue(w.revocationInvalidates(before, since), "anchored at the compromise");
        assertTrue(w.revocationInvalidates(before, null), "never anchored");
        assertTrue(w.revocationInvalidates(since, before), "committed at the compromise");
        assertEquals(new SuiteWindows.Affected("x", since, since), w.affected().orElseThrow());
        SuiteWindows notRevoked = SuiteWindows.of(c, new SuiteStatusList.Entry("x", SuiteStatus.OVERLAP, T0.plusSeconds(3), null, null, null));
        assertTrue(!notRevoked.revocationInvalidates(since, null) && notRevoked.affected().isEmpty());
        assertEquals(T0.plusSeconds(3), notRevoked.signUntil());
        assertTrue(notRevoked.signsAt(T0) && !notRevoked.signsAt(T0.plusSeconds(3)) && !notRevoked.signsAt(T0.minusNanos(1000)));
    }

    /**
     * Random command sequences: after every decision the history folds, exactly one suite is
     * ACTIVE (and signs at that instant after a scheduled check or an activation), REVOKED suites stay REVOKED with the same compromise
     * time, and every seal made so far (by the suite ACTIVE when it was made) is still inside
     * its suite's signing window in every later ledger.
     */
    @Test
    void randomCommandSequences_keepOneSigningSuite_neverLeaveRevoked_neverInvalidateAnEarlierSeal() {
        Random random = new Random(0x5ea1e7L);
        int decisions = 0;
        for (int run = 0; run < 300; run++) {
            Policy policy = new Policy(Duration.ofHours(1 + random.nextInt(24 * 20)), Duration.ofHours(random.nextInt(24 * 10)),
                    Duration.ofSeconds(random.nextInt(30)));
            Factory f = new Factory();
            List<SuiteEvent> history = new ArrayList<>();
            Instant now = T0.plusNanos(random.nextInt(1_000_000) * 1000L);
            record Seal(String suiteId, Instant committedAt) {
            }
            List<Seal> seals = new ArrayList<>();
            Map<String, Instant> revoked = new HashMap<>();
            SuiteLedger ledger = SuiteLedger.fold(history);
            List<SuiteEvent> first = SuiteLifecycle.decide(ledger, now, new SuiteLifecycle.Start("system"), policy, f);
            history.addAll(first);
            ledger = SuiteLedger.fold(history);
            for (int step = 0; step < 25; step++) {
                // time moves on by microseconds to weeks
                long micros = switch (random.nextInt(4)) {
                    case 0 -> 1 + random.nextInt(1000);
                    case 1 -> 1 + random.nextInt(60_000_000);
                    case 2 -> random.nextLong(1, Duration.ofDays(3).toNanos() / 1000);
                    default -> random.nextLong(1, Duration.ofDays(40).toNanos() / 1000);
                };
                Instant sealAt = now.plusNanos(micros * 500); // a seal between two decisions
                now = now.plusNanos(micros * 1000);
                SuiteLedger.Entry signer = ledger.active().orElseThrow();
                if (signer.windows().signsAt(sealAt)) { // the service signs only inside the window
                    seals.add(new Seal(signer.certificate().suiteId(), sealAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
                }
                List<SuiteLedger.Entry> all = ledger.all();
                String someSuite = all.get(random.nextInt(all.size())).certificate().suiteId();
                Command command = switch (random.nextInt(6)) {
                    case 0, 1 -> new SuiteLifecycle.Tick("scheduler");
                    case 2 -> new SuiteLifecycle.Rotate(random.nextBoolean() ? "" : someSuite, "admin");
                    case 3 -> new SuiteLifecycle.Start("system");
                    default -> new SuiteLifecycle.Revoke(random.nextInt(3) == 0 ? ledger.active().orElseThrow().certificate().suiteId() : someSuite,
                            random.nextInt(10) == 0 ? now.plusSeconds(1) : now.minusSeconds(random.nextInt(1_000_000)), "drill", "admin");
                };
                f.callsThisDecision = 0;
                List<SuiteEvent> events;
                try {
                    events = SuiteLifecycle.decide(ledger, now, command, policy, f);
                } catch (SealerException refused) {
                    if (!(command instanceof SuiteLifecycle.Revoke r)
                            || !(revoked.containsKey(r.suiteId()) || r.compromisedSince().isAfter(now))) {
                        fail("run " + run + " step " + step + ": " + command + " refused: " + refused.getMessage());
                    }
                    continue;
                }
                decisions++;
                assertTrue(f.callsThisDecision <= 1, "at most one suite created per decision");
                history.addAll(events);
                try {
                    ledger = SuiteLedger.fold(history);
                } catch (RuntimeException e) {
                    throw new AssertionError("run " + run + " step " + step + ": fold of " + command + " -> " + events, e);
                }
                String where = "run " + run + " step " + step + " after " + command;
                assertEquals(1, ledger.all().stream().filter(e -> e.status() == SuiteStatus.ACTIVE).count(), where);
                SuiteLedger.Entry active = ledger.active().orElseThrow();
                if (command instanceof SuiteLifecycle.Tick || events.stream().anyMatch(e -> e.type() == Type.ACTIVATED)) {
                    assertTrue(active.windows().signsAt(now), where + ": after a scheduled check or an activation the active suite signs now");
                }
                for (var r : revoked.entrySet()) {
                    SuiteLedger.Entry e = ledger.get(r.getKey()).orElseThrow();
                    assertEquals(SuiteStatus.REVOKED, e.status(), where);
                    assertEquals(r.getValue(), e.compromisedSince(), where);
                }
                for (SuiteLedger.Entry e : ledger.all()) {
                    if (e.status() == SuiteStatus.REVOKED) {
                        revoked.putIfAbsent(e.certificate().suiteId(), e.compromisedSince());
                    }
                }
                for (Seal s : seals) {
                    assertTrue(ledger.get(s.suiteId()).orElseThrow().windows().signsAt(s.committedAt()),
                            where + ": seal at " + s.committedAt() + " by " + s.suiteId() + " left its signing window");
                }
            }
        }
        assertTrue(decisions > 5000, "decisions made: " + decisions);
    }
}
