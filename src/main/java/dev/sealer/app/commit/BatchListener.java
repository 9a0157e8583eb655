package dev.sealer.app.commit;

import dev.sealer.store.ReceiptStore.StoredSeal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The transparency log's hooks into each batch transaction of the commit writer
 * ({@code app.seal.CommitQueue}): the log ({@code app.log.TransparencyLog}) decides the leaf
 * indexes and builds the tree. It lives apart from both so that neither package depends on the
 * other through it.
 */
public interface BatchListener {
    /** Under the log lock, before anything is inserted: the next leaf index of the log's own, checked tree. */
    long begin(Connection c) throws SQLException;

    /** Inside the transaction, after the receipts are inserted. */
    void inserted(Connection c, List<StoredSeal> rows) throws SQLException;

    /** After the transaction committed and its callers were answered: {@code nextLeafIndex} is the tree size now. */
    void committed(long nextLeafIndex);

    /** The transaction did not commit: nothing of the batch is in the log. */
    void rolledBack();
}
