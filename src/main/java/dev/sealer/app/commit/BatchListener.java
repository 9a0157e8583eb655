package dev.sealer.app.commit;

import dev.sealer.store.ReceiptStore.StoredSeal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Called by the commit writer ({@code app.seal.CommitQueue}) inside each batch transaction after
 * the receipts are inserted; the transparency log ({@code app.log.TransparencyLog}) hooks in here.
 * It lives apart from both so that neither package depends on the other through it.
 */
public interface BatchListener {
    void inserted(Connection c, List<StoredSeal> rows) throws SQLException;

    /** After the transaction committed and its callers were answered: {@code nextLeafIndex} is the tree size now. */
    default void committed(long nextLeafIndex) {
    }
}
