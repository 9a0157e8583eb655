package dev.sealer.app.seal;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredCheckpoint;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.storage.Tables;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
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
    Storage storage;
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
        List<StoredSeal> affected = storage.read("listing affected seals", t -> t.receipts().affected(rule, unanchoredFrom(t, rule), -1, limit))
                .stream().map(guard::requireAuthentic).toList();
        List<Map.Entry<UUID, UUID>> done = new java.util.ArrayList<>();
        for (StoredSeal old : affected) {
            Receipt r = old.receipt();
            java.util.Map<String, String> labels = new TreeMap<>(r.labels());
            if (labels.size() < SealLimits.MAX_LABELS) {
                labels.put("resealed_from", old.sealId().toString());
            }
            SealView fresh = writer.seal(new SealCommand("reseal-" + old.sealId(), r.digest(), r.subject(), r.stage(), labels,
                    r.parents().stream().map(UUID::toString).toList(), r.signer())).join();
            storage.read("linking re-seal", t -> {
                t.receipts().linkReseal(old.sealId(), fresh.stored().sealId(), clock.instant(), actor, guard.authenticator());
                return null;
            });
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
        return storage.read("listing affected seals", t -> t.receipts().affected(rule.get(), unanchoredFrom(t, rule.get()), afterLeaf, limit))
                .stream().map(guard::requireAuthentic).map(SealView::of).toList();
    }

    /**
     * The first leaf no checkpoint issued (time-stamped, when the trust bundle names TSAs) before the
     * rule's cut-off covers: the size of the last such checkpoint, its row authenticator checked (a
     * moved issued_at or gen_time would hide seals).
     */
    private long unanchoredFrom(Tables t, dev.sealer.core.suite.SuiteWindows.Affected rule) {
        if (!suites.trustBundle().timestampAuthorities().isEmpty()) {
            // with time-stamping authorities the rule's time is the checkpoint token's genTime (as in core.verify.SealVerifier)
            return t.timestamps().lastBefore(rule.anchoredBefore()).map(guard::requireAuthentic)
                    .map(dev.sealer.app.storage.StoredTimestamp::treeSize).orElse(0L);
        }
        return t.log().lastCheckpointBefore(rule.anchoredBefore()).map(guard::requireAuthentic).map(StoredCheckpoint::treeSize).orElse(0L);
    }
}
