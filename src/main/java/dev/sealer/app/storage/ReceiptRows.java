package dev.sealer.app.storage;

import dev.sealer.core.suite.SuiteWindows;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The receipts, their signatures and the re-seal links. */
public interface ReceiptRows {
    /**
     * Serialises log appends (leaf index assignment) across instances sharing one database,
     * until the transaction ends.
     */
    void lockAppends();

    /** The rows at or after {@code fromLeaf}, in leaf order (at most {@code limit}), each decoded or named as undecodable. */
    List<TailRow> tail(long fromLeaf, int limit);

    /** The stored seals with these ids (absent ones are left out). */
    List<StoredSeal> bySealIds(Collection<UUID> ids);

    Optional<StoredSeal> bySealId(UUID sealId);

    /** The stored seals with these request ids, by request id. */
    Map<String, StoredSeal> byRequestIds(Collection<String> requestIds);

    /** The stored seals naming any of {@code parents} as a parent, by seal id (as stored: the caller checks them). */
    List<StoredSeal> children(Collection<UUID> parents);

    /** Inserts a batch at its leaf indexes (the caller holds {@link #lockAppends}). */
    void insert(List<StoredSeal> rows);

    /** Leaf hashes recomputed from the stored receipts, by leaf index (absent leaves are left out). */
    Map<Long, byte[]> leafHashes(Collection<Long> leaves);

    /** Seals matching {@code filter}, ordered by (committed_at, seal_id), strictly after the cursor when given. */
    List<StoredSeal> list(SealFilter filter, Instant afterTime, UUID afterId, int limit);

    /**
     * Seals the revocation rule invalidates: of {@code rule}'s suite, committed at or after its
     * cut-off or at a leaf at or after {@code unanchoredFrom}; in leaf order after {@code afterLeaf}.
     */
    List<StoredSeal> affected(SuiteWindows.Affected rule, long unanchoredFrom, long afterLeaf, int limit);

    /** Links a re-seal to the seal it replaces (once); {@code at} is kept to the microsecond. */
    void linkReseal(UUID oldSealId, UUID newSealId, Instant at, String actor, dev.sealer.core.integrity.RowAuthenticator auth);
}
