package dev.sealer.app.storage;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The checkpoints' time-stamp tokens (append-only, authenticated) and the TSA's serial-block sequence. */
public interface TimestampRows {
    /** Stores the row unless the checkpoint already has one (another instance stamped it first); true when stored. */
    boolean insert(StoredTimestamp t);

    Optional<StoredTimestamp> at(long treeSize);

    /** The token of the largest checkpoint whose stored gen_time is before {@code t} (the caller checks the row). */
    Optional<StoredTimestamp> lastBefore(Instant t);

    /** Tree sizes above {@code above} of checkpoints without a token, oldest first, at most {@code limit}. */
    List<Long> untimestamped(long above, int limit);

    /** How many checkpoints above {@code above} have no token. */
    long untimestampedCount(long above);

    /** The next block of TSA serial numbers (a database sequence: never the same value twice). */
    long nextSerialBlock();
}
