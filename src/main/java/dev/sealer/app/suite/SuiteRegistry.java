package dev.sealer.app.suite;

import dev.sealer.core.time.Rfc3339;
import dev.sealer.app.HsmConnection;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.SuiteEvent;
import dev.sealer.core.suite.SuiteKeys;
import dev.sealer.core.suite.SuiteLedger;
import dev.sealer.core.suite.SuiteStatusList;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.store.StoreException;
import dev.sealer.store.SuiteEventStore;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The signature suites of this authority: folded from the suite event table, the first one
 * created and certified on first start, the active suite's keys derived from the HSM root
 * and held in memory. Verification uses a {@link SealVerifier} over the same trust bundle
 * that {@code GetTrustBundle} publishes.
 */
@Singleton
@Startup(20)
public class SuiteRegistry {
    private static final Logger LOG = Logger.getLogger(SuiteRegistry.class);

    @Inject
    AgroalDataSource dataSource;
    @Inject
    HsmConnection hsm;
    @Inject
    dev.sealer.app.integrity.RowGuard guard;
    @Inject
    dev.sealer.app.SchemaMigration schema; // the schema exists before suites are read
    @ConfigProperty(name = "sealer.authority", defaultValue = "sealer")
    String authority;
    @ConfigProperty(name = "sealer.suite.algorithm", defaultValue = "ml-dsa-65")
    String pqAlgorithm;
    @ConfigProperty(name = "sealer.suite.rotation-period", defaultValue = "P365D")
    Duration rotationPeriod;
    @ConfigProperty(name = "sealer.suite.overlap", defaultValue = "P30D")
    Duration overlap;

    @Inject
    Clock clock;
    @ConfigProperty(name = "sealer.suite.handover", defaultValue = "PT10S")
    Duration handover;

    private volatile RootAttestation root;
    private volatile State state;

    /** What signs now and what verifies; swapped atomically when suites change. */
    public record State(SuiteLedger ledger, long version, SuiteKeys activeKeys, SuiteCertificate activeCertificate, TrustBundle trust,
            SealVerifier verifier) {
    }

    @PostConstruct
    void start() {
        root = new RootAttestation(hsm.hsm());
        change(ledger -> {
            if (ledger.active().isEmpty()) {
                return List.of(c -> createAndActivate(c, clock.instant(), "system"));
            }
            return List.of();
        });
    }

    /** A change to the suite history, run under the suite lock with the current ledger. */
    private interface Step {
        void apply(Connection c) throws SQLException;
    }

    /**
     * Runs the steps {@code plan} decides on, in one transaction under the database lock that
     * serialises suite changes across instances, then installs the resulting state.
     */
    private synchronized SuiteLedger change(java.util.function.Function<SuiteLedger, List<Step>> plan) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                SuiteEventStore.lock(c);
                List<SuiteEvent> history = events(c);
                SuiteLedger ledger = SuiteLedger.fold(history);
                List<Step> steps = plan.apply(ledger);
                for (Step s : steps) {
                    s.apply(c);
                }
                if (!steps.isEmpty()) {
                    history = events(c);
                    ledger = SuiteLedger.fold(history);
                }
                long version = history.size();
                c.commit();
                install(ledger, version);
                return ledger;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw StoreException.from(e, "changing signature suites");
        }
    }

    /**
     * Rotation: creates and certifies the next suite, makes it ACTIVE and moves the current one
     * to OVERLAP (signing ends after the handover, so other instances switch in time). When
     * {@code expectedActive} is given and is no longer the active suite, another caller already
     * rotated: nothing happens. Returns the active suite id afterwards.
     */
    public record Rotation(String activeSuiteId, boolean rotated) {
    }

    public Rotation rotate(String expectedActive, String actor) {
        java.util.concurrent.atomic.AtomicBoolean rotated = new java.util.concurrent.atomic.AtomicBoolean();
        SuiteLedger after = change(ledger -> {
            SuiteLedger.Entry active = ledger.active().orElseThrow();
            if (expectedActive != null && !expectedActive.isEmpty() && !active.certificate().suiteId().equals(expectedActive)) {
                return List.of();
            }
            rotated.set(true);
            Instant now = clock.instant();
            return List.of(c -> {
                SuiteEventStore.append(c, guard.authenticator(), active.certificate().suiteId(), SuiteEvent.Type.OVERLAP.name(), now.plus(handover), actor, "{}");
                createAndActivate(c, now, actor);
            });
        });
        return new Rotation(after.active().orElseThrow().certificate().suiteId(), rotated.get());
    }

    /**
     * Revocation: records when the suite's key is believed compromised. A revoked active suite
     * is rotated first, so exactly one suite keeps signing.
     */
    public void revoke(String suiteId, Instant compromisedSince, String reason, String actor) {
        change(ledger -> {
            SuiteLedger.Entry target = ledger.get(suiteId)
                    .orElseThrow(() -> new SealerException(Reason.UNKNOWN_SUITE, "no suite " + suiteId));
            if (target.status() == dev.sealer.core.suite.SuiteStatus.REVOKED) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "suite " + suiteId + " is already revoked");
            }
            Instant now = clock.instant();
            if (compromisedSince.isAfter(now)) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "compromised_since must not be in the future");
            }
            List<Step> steps = new java.util.ArrayList<>();
            if (target.status() == dev.sealer.core.suite.SuiteStatus.ACTIVE) {
                steps.add(c -> createAndActivateAfterRevocation(c, suiteId, now, actor));
            }
            String payload = CanonicalJson.writeString(java.util.Map.of("compromised_since", dev.sealer.core.time.Rfc3339.format(compromisedSince),
                    "reason", reason == null ? "" : reason));
            steps.add(c -> SuiteEventStore.append(c, guard.authenticator(), suiteId, SuiteEvent.Type.REVOKED.name(), now, actor, payload));
            return steps;
        });
    }

    private void createAndActivateAfterRevocation(Connection c, String revoked, Instant now, String actor) throws SQLException {
        SuiteEventStore.append(c, guard.authenticator(), revoked, SuiteEvent.Type.OVERLAP.name(), now, actor, "{}");
        createAndActivate(c, now, actor);
    }

    /**
     * The scheduled lifecycle: rotates when the active suite's signing window is over, retires
     * OVERLAP suites after their overlap, and picks up changes made by other instances.
     */
    @io.quarkus.scheduler.Scheduled(every = "${sealer.suite.check-interval:2s}", concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void scheduledLifecycle() {
        try {
            lifecycle();
        } catch (SealerException e) {
            LOG.warnf("suite lifecycle check skipped: %s (retried every check interval)", e.getMessage());
        }
    }

    public void lifecycle() {
        Instant now = clock.instant();
        change(ledger -> {
            List<Step> steps = new java.util.ArrayList<>();
            SuiteLedger.Entry active = ledger.active().orElseThrow();
            if (!now.isBefore(active.certificate().signUntil())) {
                steps.add(c -> {
                    SuiteEventStore.append(c, guard.authenticator(), active.certificate().suiteId(), SuiteEvent.Type.OVERLAP.name(), now, "scheduler", "{}");
                    createAndActivate(c, now, "scheduler");
                });
            }
            for (SuiteLedger.Entry e : ledger.all()) {
                if (e.status() == dev.sealer.core.suite.SuiteStatus.OVERLAP && !now.isBefore(e.certificate().verifyUntil())) {
                    steps.add(c -> SuiteEventStore.append(c, guard.authenticator(), e.certificate().suiteId(), SuiteEvent.Type.RETIRED.name(), now, "scheduler", "{}"));
                }
            }
            return steps;
        });
    }

    private void createAndActivate(Connection c, Instant now, String actor) throws SQLException {
        SignatureAlgorithm pq = SignatureAlgorithm.fromId(pqAlgorithm);
        String suiteId = "suite-" + DateTimeFormatter.ofPattern("uuuuMMdd").withZone(ZoneOffset.UTC).format(now) + "-"
                + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        Instant from = now.truncatedTo(ChronoUnit.MICROS);
        try (SuiteKeys keys = SuiteKeys.operational(hsm.hsm().rootKey(), suiteId, pq)) {
            SuiteCertificate cert = SuiteCertificate.issue(suiteId, keys.ed25519PublicKey(), pq, keys.mlDsaPublicKey(), from,
                    from.plus(rotationPeriod), from.plus(rotationPeriod).plus(overlap), from, root);
            SuiteEventStore.append(c, guard.authenticator(), suiteId, SuiteEvent.Type.CREATED.name(), from, actor, CanonicalJson.writeString(cert.toJsonValue()));
            SuiteEventStore.append(c, guard.authenticator(), suiteId, SuiteEvent.Type.ACTIVATED.name(), from, actor, "{}");
        }
        LOG.infof("created and activated signature suite %s (ed25519 + %s), certified by the root attestation keys", suiteId, pq.id());
    }

    /** The suite history, its chained authenticators checked first: an event this authority did not write is never acted on. */
    private List<SuiteEvent> events(Connection c) throws SQLException {
        List<SuiteEventStore.StoredEvent> stored = SuiteEventStore.all(c);
        guard.requireAuthenticHistory(stored);
        return stored.stream()
                .map(e -> new SuiteEvent(e.suiteId(), SuiteEvent.Type.valueOf(e.type()), e.effectiveAt(), e.actor(), e.payload())).toList();
    }

    private void install(SuiteLedger ledger, long version) {
        State previous = state;
        if (previous != null && previous.version() == version) {
            return; // nothing changed since the last look
        }
        SuiteLedger.Entry active = ledger.active().orElseThrow(() -> new IllegalStateException("no active suite"));
        SuiteCertificate cert = active.certificate();
        SuiteKeys keys = previous != null && previous.activeKeys().suiteId().equals(cert.suiteId()) ? previous.activeKeys()
                : SuiteKeys.operational(hsm.hsm().rootKey(), cert.suiteId(), cert.pqAlgorithm());
        if (!java.util.Arrays.equals(keys.ed25519PublicKey(), cert.ed25519PublicKey())
                || !java.util.Arrays.equals(keys.mlDsaPublicKey(), cert.pqPublicKey())) {
            throw new SealerException(Reason.HSM_UNAVAILABLE, "keys derived for suite " + cert.suiteId()
                    + " do not match its certificate: is this the token the suite was created with?");
        }
        Instant now = clock.instant();
        SuiteStatusList status = SuiteStatusList.sign(now, ledger.statusEntries(), root);
        TrustBundle bundle = new TrustBundle(authority, root.publicKeys(), ledger.certificates(), now, status);
        state = new State(ledger, version, keys, cert, bundle, new SealVerifier(bundle));
        if (previous != null && previous.activeKeys() != keys) {
            previous.activeKeys().wipe();
        }
        LOG.infof("signing with suite %s; %d suite(s) known", cert.suiteId(), ledger.all().size());
    }

    public State state() {
        return state;
    }

    public TrustBundle trustBundle() {
        return state.trust();
    }

    @PreDestroy
    void stop() {
        State s = state;
        if (s != null) {
            s.activeKeys().wipe();
        }
    }
}
