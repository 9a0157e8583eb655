package dev.sealer.app.lineage;

import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.seal.SealQueries;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.integrity.Finding;
import dev.sealer.core.seal.SealLimits;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The ancestors and descendants of a seal through the parents its receipts record, breadth first to a bounded depth:
 * one indexed query per generation (ancestors by seal id, descendants through the index on the parents column), every
 * row checked against its authenticators before it is used, listed by (depth, seal id) and paged with an opaque token.
 */
@Singleton
public class LineageQueries {
    public static final int MAX_DEPTH = 64;
    public static final int DEFAULT_DEPTH = 16;
    /** Seals visited by one query at most; a larger lineage is answered to the depth reached, marked truncated. */
    public static final int MAX_VISITED = 10_000;

    @Inject
    Storage storage;
    @Inject
    RowGuard guard;
    @Inject
    SealQueries queries;

    public enum Direction { ANCESTORS, DESCENDANTS }

    /** A seal found, and how many links away from the start it is (1: a parent or a child). */
    public record Entry(StoredSeal seal, int depth) {
    }

    /** One page; {@code truncated}: the traversal stopped at {@link #MAX_VISITED} seals before {@code maxDepth}. */
    public record Page(List<Entry> entries, String nextPageToken, boolean truncated) {
    }

    public Page list(UUID sealId, Direction direction, int maxDepth, String pageToken, int pageSize) {
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "max_depth must be 1.." + MAX_DEPTH);
        }
        Cursor after = Cursor.decode(pageToken);
        StoredSeal start = queries.find(sealId).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SEAL, "no seal " + sealId));
        List<Entry> all = new ArrayList<>();
        Set<UUID> seen = new HashSet<>(Set.of(sealId));
        List<StoredSeal> frontier = List.of(start);
        boolean truncated = false;
        for (int depth = 1; depth <= maxDepth && !frontier.isEmpty() && !truncated; depth++) {
            List<StoredSeal> next = direction == Direction.ANCESTORS ? parents(frontier, seen) : children(frontier, seen);
            next = next.stream().sorted(Comparator.comparing(s -> s.sealId().toString())).toList();
            if (all.size() + next.size() > MAX_VISITED) {
                next = next.subList(0, MAX_VISITED - all.size());
                truncated = true;
            }
            for (StoredSeal s : next) {
                all.add(new Entry(s, depth));
            }
            frontier = next;
        }
        List<Entry> page = all.stream().filter(e -> after == null || after.before(e)).limit(pageSize + 1L).toList();
        String token = "";
        if (page.size() > pageSize) {
            page = page.subList(0, pageSize);
            Entry last = page.getLast();
            token = new Cursor(last.depth(), last.seal().sealId()).encode();
        }
        return new Page(page, token, truncated);
    }

    /** The parents of the frontier not seen yet; a parent an authentic receipt names must be stored (a finding otherwise). */
    private List<StoredSeal> parents(List<StoredSeal> frontier, Set<UUID> seen) {
        Set<UUID> wanted = new java.util.LinkedHashSet<>();
        for (StoredSeal s : frontier) {
            for (UUID p : s.receipt().parents()) {
                if (seen.add(p)) {
                    wanted.add(p);
                }
            }
        }
        if (wanted.isEmpty()) {
            return List.of();
        }
        Map<UUID, StoredSeal> found = storage.read("reading ancestors", t -> t.receipts().bySealIds(wanted)).stream()
                .map(guard::requireAuthentic).collect(Collectors.toMap(StoredSeal::sealId, s -> s));
        for (UUID p : wanted) {
            if (!found.containsKey(p)) {
                guard.report(Finding.of("receipts", "seal " + p, "named as a parent by an authentic receipt but not stored"));
                throw new SealerException(Reason.ANCHOR_MISMATCH, "parent seal " + p + " is named by an authentic receipt but not stored");
            }
        }
        return new ArrayList<>(found.values());
    }

    /** The children of the frontier not seen yet: each authentic, and naming a frontier seal in its own receipt. */
    private List<StoredSeal> children(List<StoredSeal> frontier, Set<UUID> seen) {
        Set<UUID> ids = frontier.stream().map(StoredSeal::sealId).collect(Collectors.toSet());
        List<StoredSeal> out = new ArrayList<>();
        for (StoredSeal c : storage.read("reading descendants", t -> t.receipts().children(ids))) {
            guard.requireAuthentic(c);
            if (c.receipt().parents().stream().anyMatch(ids::contains) && seen.add(c.sealId())) {
                out.add(c);
            }
        }
        return out;
    }

    /** Where a page ends: the (depth, seal id) of its last entry. */
    record Cursor(int depth, UUID sealId) {
        boolean before(Entry e) {
            return e.depth() > depth || (e.depth() == depth && e.seal().sealId().toString().compareTo(sealId.toString()) > 0);
        }

        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((depth + "|" + sealId).getBytes(StandardCharsets.US_ASCII));
        }

        static Cursor decode(String token) {
            if (token == null || token.isEmpty()) {
                return null;
            }
            try {
                String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
                int bar = text.indexOf('|');
                int depth = Integer.parseInt(text.substring(0, bar));
                if (depth < 1 || depth > MAX_DEPTH) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(depth, SealLimits.sealId(text.substring(bar + 1), Reason.INVALID_ARGUMENT));
            } catch (RuntimeException e) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "page_token is not a token this service issued");
            }
        }
    }
}
