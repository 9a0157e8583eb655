package dev.sealer.app.seal;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.store.ReceiptStore;
import dev.sealer.store.ReceiptStore.StoredSeal;
import dev.sealer.store.StoreException;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The compromise playbook: which seals a revocation invalidates (by the core rule,
 * {@code SuiteWindows.affected()}), and re-sealing them under the active suite while keeping the
 * old records and linking old to new.
 */
@Singleton
public class CompromisePlaybook {
    @Inject
    SuiteRegistry suites;
    @Inject
    SealWriter writer;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    RowGuard guard;
    @Inject
    Clock clock;

    /**
     * The compromise playbook: re-seals up to {@code limit} seals a revocation of
     * {@code suiteId} invalidates, under the active suite, keeping the old records and linking
     * old to new. Idempotent: the new request id is {@code reseal-<old seal id>}.
     */
    public List<Map.Entry<UUID, UUID>> resealAffected(String suiteId, int limit, String actor) {
        var entry = suites.state().ledger().get(suiteId).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SUITE, "no suite " + suiteId));
        var rule = entry.windows().affected()
                .orElseThrow(() -> new SealerException(Reason.INVALID_ARGUMENT, "suite " + suiteId + " is not revoked"));
        List<StoredSeal> affected;
        try (Connection c = dataSource.getConnection()) {
            affected = ReceiptStore.affected(c, rule, unanchoredFrom(c, rule), -1, limit).stream().map(guard::requireAuthentic).toList();
        } catch (SQLException e) {
            throw StoreException.from(e, "listing affected seals");
        }
        List<Map.Entry<UUID, UUID>> done = new java.util.ArrayList<>();
        for (StoredSeal old : affected) {
            Receipt r = old.receipt();
            java.util.Map<String, String> labels = new TreeMap<>(r.labels());
            if (labels.size() < SealLimits.MAX_LABELS) {
                labels.put("resealed_from", old.sealId().toString());
            }
            SealView fresh = writer.seal(new SealCommand("reseal-" + old.sealId(), r.digest(), r.subject(), r.stage(), labels,
                    r.parents().stream().map(UUID::toString).toList(), r.signer())).join();
            try (Connection c = dataSource.getConnection()) {
                ReceiptStore.linkReseal(c, old.sealId(), fresh.stored().sealId(), clock.instant(), actor, guard.authenticator());
            } catch (SQLException e) {
                throw StoreException.from(e, "linking re-seal");
            }
            done.add(Map.entry(old.sealId(), fresh.stored().sealId()));
        }
        return done;
    }

    /** Seals a revocation of {@code suiteId} invalidates, paged by leaf index. */
    public List<SealView> affected(String suiteId, long afterLeaf, int limit) {
        var entry = suites.state().ledger().get(suiteId).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SUITE, "no suite " + suiteId));
        var rule = entry.windows().affected();
        if (rule.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection()) {
            return ReceiptStore.affected(c, rule.get(), unanchoredFrom(c, rule.get()), afterLeaf, limit).stream().map(guard::requireAuthentic)
                    .map(s -> SealView.of(s)).toList();
        } catch (SQLException e) {
            throw StoreException.from(e, "listing affected seals");
        }
    }

    /**
     * The first leaf no checkpoint issued before the rule's cut-off covers: the size of the last
     * such checkpoint, its row authenticator checked (a moved issued_at would hide seals).
     */
    private long unanchoredFrom(Connection c, dev.sealer.core.suite.SuiteWindows.Affected rule) throws SQLException {
        return dev.sealer.store.LogStore.lastCheckpointBefore(c, rule.anchoredBefore()).map(guard::requireAuthentic)
                .map(dev.sealer.store.LogStore.StoredCheckpoint::treeSize).orElse(0L);
    }
}
