package dev.sealer.app.storage;

import java.util.UUID;

/** One receipts row at the tail of the log: a decoded seal, or a row that cannot be a receipt. */
public sealed interface TailRow {
    long leafIndex();

    record Seal(StoredSeal seal) implements TailRow {
        @Override
        public long leafIndex() {
            return seal.leafIndex();
        }
    }

    /** A row that does not form a valid receipt: only a change behind the service's back produces one. */
    record Undecodable(long leafIndex, UUID sealId, String why) implements TailRow {
    }
}
