package dev.sealer.app.suite;

import dev.sealer.app.HsmConnection;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.SuiteEvent;
import dev.sealer.core.suite.SuiteKeys;
import dev.sealer.core.suite.SuiteKeyring;
import dev.sealer.core.suite.SuiteLedger;
import dev.sealer.core.suite.SuiteLifecycle;
import dev.sealer.core.suite.SuiteWindows;
import dev.sealer.core.suite.SuiteStatusList;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredSuiteEvent;
import dev.sealer.app.storage.Tables;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The signature suites of this authority: folded from the suite event table, every change
 * decided by the pure {@link SuiteLifecycle} and appended here, the active suite's keys derived
 * from the HSM root and lent to signers by a {@link SuiteKeyring}. Verification uses a
 * {@link SealVerifier} over the same trust bundle that {@code GetTrustBundle} publishes.
 */
@Singleton
@Startup(20)
public class SuiteRegistry {
    private static final Logger LOG = Logger.getLogger(SuiteRegistry.class);

    @Inject
    Storage storage;
    @Inject
    HsmConnection hsm;
    @Inject
    dev.sealer.app.tsa.TimestampAuthorities timestampAuthorities;
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

    /** How long a seal waits for the scheduler when no suite signs at its instant (a window just ended), before UNAVAILABLE. */
    @ConfigProperty(name = "sealer.suite.signing-wait", defaultValue = "PT5S")
    Duration signingWait;

    /** The root id of the attestation keys ({@code root} for the first root; a rolled-over root's id from its ceremony). */
    @ConfigProperty(name = "sealer.root.id", defaultValue = RootAttestation.ROOT_ID)
    String rootId;

    /**
     * The trust bundle the last key ceremony wrote: its first suite is adopted on a first start,
     * and its root chain (cross-certificates of a root rollover) is published in every bundle.
     */
    @ConfigProperty(name = "sealer.root.ceremony-bundle")
    java.util.Optional<java.nio.file.Path> ceremonyBundle;

    private volatile RootAttestation root;
    private List<dev.sealer.core.suite.RootCrossCertificate> rootChain = List.of();
    /** Earlier roots' time-stamping authorities, carried by the ceremony bundle of a rollover: their tokens stamp older checkpoints. */
    private List<dev.sealer.core.tsa.TimestampTrust> carriedTimestampAuthorities = List.of();
    private volatile State state;
    private SuiteLifecycle.Policy policy;
    /** The signing suite's keys, lent to signers; superseded keys are wiped when their last lease closes. */
    private final SuiteKeyring keyring = new SuiteKeyring();
    /**
     * Held (read) by a seal from reading the clock to checking its suite's window, and (write) by
     * a change that ends the active suite's signing at its own instant (revocation, or rotation
     * without handover) from choosing that instant to installing the result.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock windowGate = new java.util.concurrent.locks.ReentrantReadWriteLock();
    /** Notified whenever a new state is installed (seals waiting for a signing suite). */
    private final Object installed = new Object();

    /** What signs now and what verifies; swapped atomically when suites change. */
    public record State(SuiteLedger ledger, long version, SuiteCertificate activeCertificate, SuiteWindows activeWindows, TrustBundle trust,
            SealVerifier verifier) {
    }

    @PostConstruct
    void start() {
        root = new RootAttestation(hsm.hsm(), rootId);
        policy = new SuiteLifecycle.Policy(rotationPeriod, overlap, handover);
        SuiteLifecycle.Command first = new SuiteLifecycle.Start("system");
        if (ceremonyBundle.isPresent()) {
            TrustBundle ceremony = CeremonyBundle.read(ceremonyBundle.get(), root.publicKeys(), authority);
            rootChain = ceremony.rootChain();
            carriedTimestampAuthorities = ceremony.timestampAuthorities();
            if (rootChain.isEmpty() && ceremony.suites().size() == 1) {
                first = new SuiteLifecycle.Adopt(ceremony.suites().getFirst(), "key-ceremony");
            }
        }
        change(first);
    }

    /**
     * Decides {@code command} on the current history ({@link SuiteLifecycle#decide}) and appends
     * its events, in one transaction under the database lock that serialises suite changes across
     * instances, then installs the resulting state. Every change goes through here, under this
     * object's lock: the scheduler thread and the key-admin RPCs, never a seal.
     */
    private synchronized List<SuiteEvent> change(SuiteLifecycle.Command command) {
        State current = state;
        // A scheduled rotation happens a handover before the window ends, or after it ended (no seal
        // passes the window check then); a manual one keeps the old suite signing through the
        // handover, longer than this change takes to install. Only a revocation of the active suite
        // and a manual rotation without handover end its signing at the decision's own instant.
        boolean endsSigningAtOnce = (command instanceof SuiteLifecycle.Rotate && policy.handover().isZero())
                || (command instanceof SuiteLifecycle.Revoke r && current != null && r.suiteId().equals(current.activeCertificate().suiteId()));
        if (!endsSigningAtOnce) {
            return decideAndInstall(command);
        }
        // the active suite's signing may end at the decision's instant: no seal takes its committed_at
        // between that instant and the new state's installation
        windowGate.writeLock().lock();
        try {
            Instant checked = clock.instant().truncatedTo(ChronoUnit.MICROS);
            long spinUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5); // bounded, should a clock stand still
            while (!clock.instant().truncatedTo(ChronoUnit.MICROS).isAfter(checked) && System.nanoTime() < spinUntil) {
                Thread.onSpinWait(); // every committed_at already checked is before the decision's instant
            }
            return decideAndInstall(command);
        } finally {
            windowGate.writeLock().unlock();
        }
    }

    private List<SuiteEvent> decideAndInstall(SuiteLifecycle.Command command) {
        record Decided(List<SuiteEvent> events, SuiteLedger ledger, long version) {
        }
        Decided d = storage.transaction("changing signature suites", t -> {
            t.suiteEvents().lock();
            List<SuiteEvent> history = events(t);
            SuiteLedger ledger = SuiteLedger.fold(history);
            List<SuiteEvent> decided = SuiteLifecycle.decide(ledger, clock.instant(), command, policy, this::issueSuite);
            for (SuiteEvent e : decided) {
                t.suiteEvents().append(guard.authenticator(), e.suiteId(), e.type().name(), e.effectiveAt(), e.actor(), e.payload());
            }
            if (!decided.isEmpty()) {
                history = events(t);
                ledger = SuiteLedger.fold(history);
            }
            return new Decided(decided, ledger, history.size());
        });
        install(d.ledger(), d.version());
        return d.events();
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
        List<SuiteEvent> events = change(new SuiteLifecycle.Rotate(expectedActive, actor));
        return new Rotation(state.activeCertificate().suiteId(), !events.isEmpty());
    }

    /**
     * Revocation: records when the suite's key is believed compromised. A revoked active suite
     * stops signing at once and a successor is activated, so exactly one suite keeps signing.
     */
    public void revoke(String suiteId, Instant compromisedSince, String reason, String actor) {
        change(new SuiteLifecycle.Revoke(suiteId, compromisedSince, reason, actor));
    }

    /**
     * The scheduled lifecycle, on the scheduler thread: rotates a handover before the active
     * suite's signing window ends, retires OVERLAP suites after their overlap, and picks up
     * changes made by other instances.
     */
    @io.quarkus.scheduler.Scheduled(identity = "suite-lifecycle", every = "${sealer.suite.check-interval:2s}", concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void scheduledLifecycle() {
        try {
            lifecycle();
        } catch (SealerException e) {
            LOG.warnf("suite lifecycle check skipped: %s (retried every check interval)", e.getMessage());
        }
    }

    public void lifecycle() {
        change(new SuiteLifecycle.Tick("scheduler"));
    }

    /** The impure part of creating a suite: its id, its keys derived in the HSM, its certificate from the root attestation keys. */
    private SuiteCertificate issueSuite(Instant signFrom, Instant signUntil, Instant verifyUntil) {
        SignatureAlgorithm pq = SignatureAlgorithm.fromId(pqAlgorithm);
        String suiteId = "suite-" + DateTimeFormatter.ofPattern("uuuuMMdd").withZone(ZoneOffset.UTC).format(signFrom) + "-"
                + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        try (SuiteKeys keys = SuiteKeys.operational(hsm.hsm().rootKey(), suiteId, pq)) {
            SuiteCertificate cert = SuiteCertificate.issue(suiteId, keys.ed25519PublicKey(), pq, keys.mlDsaPublicKey(), signFrom, signUntil,
                    verifyUntil, signFrom, root);
            LOG.infof("created signature suite %s (ed25519 + %s), certified by the root attestation keys", suiteId, pq.id());
            return cert;
        }
    }

    /**
     * The keys of the suite that signs at the lease's instant, for one seal: {@code at} is the
     * receipt's committed_at and lies inside the suite's signing window. When no suite signs now
     * (a window just ended and the scheduler has not rotated yet) this waits up to
     * {@code sealer.suite.signing-wait} for the scheduler, then answers HSM_UNAVAILABLE (retryable):
     * a receipt outside its suite's window would never verify. Never changes suites itself.
     */
    public SigningLease signing() {
        long deadline = System.nanoTime() + signingWait.toNanos();
        for (;;) {
            State s;
            SuiteKeyring.Lease lease;
            Instant at;
            boolean signs;
            windowGate.readLock().lock();
            try {
                s = state;
                lease = keyring.acquire();
                at = clock.instant().truncatedTo(ChronoUnit.MICROS);
                signs = lease.suiteId().equals(s.activeCertificate().suiteId()) && s.activeWindows().signsAt(at);
            } finally {
                windowGate.readLock().unlock();
            }
            if (signs) {
                return new SigningLease(lease, s, at);
            }
            lease.close();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SealerException(Reason.HSM_UNAVAILABLE, "no signature suite signs at " + dev.sealer.core.time.Rfc3339.format(at)
                        + ": the signing window of " + s.activeCertificate().suiteId() + " ended and its successor is not active yet; retry");
            }
            if (s != state || !lease.suiteId().equals(s.activeCertificate().suiteId())) {
                Thread.yield(); // a change is being installed (state first, then its keys): look again
                continue;
            }
            synchronized (installed) {
                if (s == state) {
                    try {
                        installed.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SealerException(Reason.HSM_UNAVAILABLE, "interrupted while waiting for a signing suite");
                    }
                }
            }
        }
    }

    /** True when the active suite signs at this instant, so {@link #signing()} will not wait for the scheduler. */
    public boolean signsNow() {
        State s = state;
        return s != null && s.activeWindows().signsAt(clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * A lease on the keys of {@link State#activeCertificate()} of {@link #state()}, taken at
     * {@link #at()}; close it when the signature is made.
     */
    public record SigningLease(SuiteKeyring.Lease lease, State state, Instant at) implements AutoCloseable {
        public SuiteCertificate certificate() {
            return state.activeCertificate();
        }

        public SuiteKeys keys() {
            return lease.keys();
        }

        @Override
        public void close() {
            lease.close();
        }
    }

    /** A lease on the signing suite's keys, for signatures that need no window check (checkpoints). */
    public SuiteKeyring.Lease keys() {
        return keyring.acquire();
    }

    /** The suite history, its chained authenticators checked first: an event this authority did not write is never acted on. */
    private List<SuiteEvent> events(Tables t) {
        List<StoredSuiteEvent> stored = t.suiteEvents().all();
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
        SuiteKeys keys = null;
        if (!keyring.suiteId().map(cert.suiteId()::equals).orElse(false)) {
            keys = SuiteKeys.operational(hsm.hsm().rootKey(), cert.suiteId(), cert.pqAlgorithm());
            if (!java.util.Arrays.equals(keys.ed25519PublicKey(), cert.ed25519PublicKey())
                    || !java.util.Arrays.equals(keys.mlDsaPublicKey(), cert.pqPublicKey())) {
                keys.wipe();
                throw new SealerException(Reason.HSM_UNAVAILABLE, "keys derived for suite " + cert.suiteId()
                        + " do not match its certificate: is this the token the suite was created with?");
            }
        }
        Instant now = clock.instant();
        SuiteStatusList status;
        try {
            status = SuiteStatusList.sign(now, ledger.statusEntries(), root);
        } catch (RuntimeException e) {
            if (keys != null) {
                keys.wipe();
            }
            throw e;
        }
        List<dev.sealer.core.tsa.TimestampTrust> tsas = new java.util.ArrayList<>(timestampAuthorities.trust());
        tsas.addAll(carriedTimestampAuthorities);
        TrustBundle bundle = new TrustBundle(authority, root.publicKeys(), ledger.certificates(), now, status, rootChain, tsas);
        // the trust bundle knows the new suite before anything (a seal, a checkpoint) is signed with its keys
        state = new State(ledger, version, cert, active.windows(), bundle, new SealVerifier(bundle));
        if (keys != null) {
            keyring.install(keys); // the superseded keys are wiped when the last signature begun with them ends
        }
        synchronized (installed) {
            installed.notifyAll();
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
        keyring.close(); // wiped once the last open lease closes
    }
}
