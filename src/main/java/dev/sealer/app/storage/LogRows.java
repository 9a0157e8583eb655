package dev.sealer.app.storage;

import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.merkle.NodeHash;
import dev.sealer.core.merkle.NodeId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/** The Merkle log's stored nodes and the signed checkpoints. */
public interface LogRows {
    /** Serialises checkpoint issuing across instances (apart from appends), until the transaction ends. */
    void lockCheckpoints();

    /** Stores the nodes at the stored levels, each with its authenticator; the others are rebuilt when asked for. */
    void insertNodes(List<NodeHash> nodes, RowAuthenticator auth);

    /**
     * The hashes of complete nodes {@code ids}, in order; leaf hashes from {@code knownLeaves}
     * where it has them (null when not), the rest recomputed from the receipts. Throws
     * {@link DamagedLog} when a needed row is missing or is not a receipt.
     */
    List<byte[]> nodes(List<NodeId> ids, LongFunction<byte[]> knownLeaves);

    void insertCheckpoint(StoredCheckpoint cp);

    Optional<StoredCheckpoint> latestCheckpoint();

    Optional<StoredCheckpoint> checkpointAt(long size);

    /** The last checkpoint issued before {@code t} (by the time as stored: the caller checks the row). */
    Optional<StoredCheckpoint> lastCheckpointBefore(Instant t);

    Optional<StoredCheckpoint> firstCheckpointCovering(long leafIndex);
}
