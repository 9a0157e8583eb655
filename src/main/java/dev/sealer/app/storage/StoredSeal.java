package dev.sealer.app.storage;

import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.integrity.Rows;
import dev.sealer.core.seal.Receipt;
import java.time.Instant;
import java.util.UUID;

/**
 * A stored seal: the receipt, its canonical bytes and their log leaf hash, its log position and
 * its signatures (null for ANCHORED seals), with the row authenticators as stored: {@code rowMac}
 * of the receipts row, {@code sigMac} of its seal_signatures row (null when there is none).
 * Whether they verify is decided by {@link dev.sealer.core.integrity.RowChecks}, never here.
 */
public record StoredSeal(Receipt receipt, byte[] canonical, byte[] leafHash, long leafIndex, byte[] rowMac, byte[] sigEd25519,
        byte[] sigMlDsa, byte[] sigMac) {
    /** A seal about to be stored at {@code leafIndex}, authenticated by {@code auth}. */
    public static StoredSeal of(Receipt receipt, byte[] canonical, byte[] leafHash, long leafIndex, byte[] sigEd25519, byte[] sigMlDsa,
            RowAuthenticator auth) {
        boolean signed = sigEd25519 != null;
        return new StoredSeal(receipt, canonical, leafHash, leafIndex, auth.tag(Rows.receipt(leafIndex, leafHash, signed)), sigEd25519, sigMlDsa,
                signed ? auth.tag(Rows.signatures(leafIndex, sigEd25519, sigMlDsa)) : null);
    }

    public UUID sealId() {
        return receipt.sealId();
    }

    public String requestId() {
        return receipt.requestId();
    }

    public Instant committedAt() {
        return receipt.committedAt();
    }

    public String suiteId() {
        return receipt.suiteId();
    }
}
