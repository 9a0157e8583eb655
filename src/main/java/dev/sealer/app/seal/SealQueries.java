package dev.sealer.app.seal;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.log.TransparencyLog;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.app.storage.PageCursor;
import dev.sealer.app.storage.SealFilter;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredSeal;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
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
    Storage storage;
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
        return storage.read("reading seal " + sealId, t -> t.receipts().bySealId(sealId)).map(guard::requireAuthentic);
    }

    public SealView get(UUID sealId) {
        return find(sealId).map(SealView::of).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SEAL, "no seal " + sealId));
    }

    public SealView.Page list(SealFilter filter, String pageToken, int pageSize) {
        PageCursor cursor = PageCursor.decode(pageToken);
        Instant afterTime = cursor == null ? null : cursor.time();
        UUID afterId = cursor == null ? null : SealLimits.sealId(cursor.key(), Reason.INVALID_ARGUMENT);
        if (cursor != null && !issued(afterId, afterTime)) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "page_token is not a token this service issued");
        }
        List<StoredSeal> rows = storage.read("listing seals", t -> t.receipts().list(filter, afterTime, afterId, pageSize + 1)).stream()
                .map(guard::requireAuthentic).toList();
        String next = "";
        if (rows.size() > pageSize) {
            rows = rows.subList(0, pageSize);
            StoredSeal last = rows.getLast();
            next = new PageCursor(last.committedAt(), last.sealId().toString()).encode();
        }
        return new SealView.Page(rows.stream().map(SealView::of).toList(), next);
    }

    /** A token this service issued names a seal by its time-ordered id and that id's own commit time. */
    private static boolean issued(UUID sealId, Instant time) {
        try {
            return dev.sealer.core.seal.SealIds.carries(sealId, time);
        } catch (IllegalArgumentException e) {
            return false; // a time no seal id can carry
        }
    }
}
