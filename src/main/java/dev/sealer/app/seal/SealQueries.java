package dev.sealer.app.seal;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.log.TransparencyLog;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.store.ReceiptStore;
import dev.sealer.store.ReceiptStore.StoredSeal;
import dev.sealer.store.StoreException;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reading seals back: by id, the auditor listings, and their log anchors. Every stored seal is
 * checked against its row authenticators ({@link RowGuard}) before it is answered.
 */
@Singleton
public class SealQueries {
    @Inject
    AgroalDataSource dataSource;
    @Inject
    TransparencyLog log;
    @Inject
    RowGuard guard;

    /** The anchor at the first checkpoint that covers a seal: the proof of when it existed. */
    public Optional<Anchor> earliestAnchorOf(StoredSeal stored) {
        return log.earliestInclusion(stored.leafIndex());
    }

    /** The log anchor of a stored seal at the latest checkpoint, if a checkpoint covers it yet. */
    public Optional<Anchor> anchorOf(StoredSeal stored) {
        try {
            return Optional.of(log.inclusion(stored.leafIndex(), 0));
        } catch (SealerException notYet) {
            if (notYet.reason() == Reason.INVALID_ARGUMENT) {
                return Optional.empty();
            }
            throw notYet;
        }
    }

    public Optional<StoredSeal> find(UUID sealId) {
        try (Connection c = dataSource.getConnection()) {
            return ReceiptStore.bySealId(c, sealId).map(guard::requireAuthentic);
        } catch (SQLException e) {
            throw StoreException.from(e, "reading seal " + sealId);
        }
    }

    public SealView get(UUID sealId) {
        try (Connection c = dataSource.getConnection()) {
            return ReceiptStore.bySealId(c, sealId).map(guard::requireAuthentic).map(s -> SealView.of(s))
                    .orElseThrow(() -> new SealerException(Reason.UNKNOWN_SEAL, "no seal " + sealId));
        } catch (SQLException e) {
            throw StoreException.from(e, "reading seal " + sealId);
        }
    }

    public SealView.Page list(ReceiptStore.Filter filter, String pageToken, int pageSize) {
        dev.sealer.store.PageCursor cursor = dev.sealer.store.PageCursor.decode(pageToken);
        Instant afterTime = cursor == null ? null : cursor.time();
        UUID afterId = cursor == null ? null : SealLimits.sealId(cursor.key(), Reason.INVALID_ARGUMENT);
        try (Connection c = dataSource.getConnection()) {
            List<StoredSeal> rows = ReceiptStore.list(c, filter, afterTime, afterId, pageSize + 1).stream().map(guard::requireAuthentic).toList();
            String next = "";
            if (rows.size() > pageSize) {
                rows = rows.subList(0, pageSize);
                StoredSeal last = rows.getLast();
                next = new dev.sealer.store.PageCursor(last.committedAt(), last.sealId().toString()).encode();
            }
            return new SealView.Page(rows.stream().map(s -> SealView.of(s)).toList(), next);
        } catch (SQLException e) {
            throw StoreException.from(e, "listing seals");
        }
    }
}
