package dev.sealer.app.suite;

import dev.sealer.app.HsmConnection;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.SuiteEvent;
import dev.sealer.core.suite.SuiteKeys;
import dev.sealer.core.suite.SuiteLedger;
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
    dev.sealer.app.SchemaMigration schema; // the schema exists before suites are read
    @ConfigProperty(name = "sealer.authority", defaultValue = "sealer")
    String authority;
    @ConfigProperty(name = "sealer.suite.algorithm", defaultValue = "ml-dsa-65")
    String pqAlgorithm;
    @ConfigProperty(name = "sealer.suite.rotation-period", defaultValue = "P365D")
    Duration rotationPeriod;
    @ConfigProperty(name = "sealer.suite.overlap", defaultValue = "P30D")
    Duration overlap;

    private final Clock clock = Clock.systemUTC();
    private volatile RootAttestation root;
    private volatile State state;

    /** What signs now and what verifies; swapped atomically when suites change. */
    public record State(SuiteLedger ledger, SuiteKeys activeKeys, SuiteCertificate activeCertificate, SealVerifier verifier) {
    }

    @PostConstruct
    void start() {
        root = new RootAttestation(hsm.hsm());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            SuiteEventStore.lock(c);
            SuiteLedger ledger = SuiteLedger.fold(events(c));
            if (ledger.active().isEmpty()) {
                createAndActivate(c, clock.instant(), "system");
                ledger = SuiteLedger.fold(events(c));
            }
            c.commit();
            install(ledger);
        } catch (SQLException e) {
            throw StoreException.from(e, "loading signature suites");
        }
    }

    private void createAndActivate(Connection c, Instant now, String actor) throws SQLException {
        SignatureAlgorithm pq = SignatureAlgorithm.fromId(pqAlgorithm);
        String suiteId = "suite-" + DateTimeFormatter.ofPattern("uuuuMMdd").withZone(ZoneOffset.UTC).format(now) + "-"
                + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        Instant from = now.truncatedTo(ChronoUnit.MICROS);
        try (SuiteKeys keys = SuiteKeys.operational(hsm.hsm().rootKey(), suiteId, pq)) {
            SuiteCertificate cert = SuiteCertificate.issue(suiteId, keys.ed25519PublicKey(), pq, keys.mlDsaPublicKey(), from,
                    from.plus(rotationPeriod), from.plus(rotationPeriod).plus(overlap), from, root);
            SuiteEventStore.append(c, suiteId, SuiteEvent.Type.CREATED.name(), from, actor, CanonicalJson.writeString(cert.toJsonValue()));
            SuiteEventStore.append(c, suiteId, SuiteEvent.Type.ACTIVATED.name(), from, actor, "{}");
        }
        LOG.infof("created and activated signature suite %s (ed25519 + %s), certified by the root attestation keys", suiteId, pq.id());
    }

    private static List<SuiteEvent> events(Connection c) throws SQLException {
        return SuiteEventStore.all(c).stream()
                .map(e -> new SuiteEvent(e.suiteId(), SuiteEvent.Type.valueOf(e.type()), e.effectiveAt(), e.actor(), e.payload())).toList();
    }

    private void install(SuiteLedger ledger) {
        SuiteLedger.Entry active = ledger.active().orElseThrow(() -> new IllegalStateException("no active suite"));
        SuiteCertificate cert = active.certificate();
        State previous = state;
        SuiteKeys keys = previous != null && previous.activeKeys().suiteId().equals(cert.suiteId()) ? previous.activeKeys()
                : SuiteKeys.operational(hsm.hsm().rootKey(), cert.suiteId(), cert.pqAlgorithm());
        if (!java.util.Arrays.equals(keys.ed25519PublicKey(), cert.ed25519PublicKey())
                || !java.util.Arrays.equals(keys.mlDsaPublicKey(), cert.pqPublicKey())) {
            throw new SealerException(Reason.HSM_UNAVAILABLE, "keys derived for suite " + cert.suiteId()
                    + " do not match its certificate: is this the token the suite was created with?");
        }
        TrustBundle bundle = new TrustBundle(authority, root.publicKeys(), ledger.certificates(), clock.instant());
        state = new State(ledger, keys, cert, new SealVerifier(bundle));
        if (previous != null && previous.activeKeys() != keys) {
            previous.activeKeys().wipe();
        }
        LOG.infof("signing with suite %s; %d suite(s) known", cert.suiteId(), ledger.all().size());
    }

    public State state() {
        return state;
    }

    public TrustBundle trustBundle() {
        return new TrustBundle(authority, root.publicKeys(), state.ledger().certificates(), clock.instant());
    }

    @PreDestroy
    void stop() {
        State s = state;
        if (s != null) {
            s.activeKeys().wipe();
        }
    }
}
