package dev.sealer.app.commit;

import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.storage.Tables;
import java.util.List;

/**
 * The transparency log's hooks into each batch transaction of the commit writer
 * ({@code app.seal.CommitQueue}): the log ({@code app.log.TransparencyLog}) decides the leaf
 * indexes and builds the tree. It lives apart from both so that neither package depends on the
 * other through it.
 */
public interface BatchListener {
    /** Under the log lock, before anything is inserted: the next leaf index of the log's own, checked tree. */
    long begin(Tables tables);

    /** Inside the transaction, after the receipts are inserted. */
    void inserted(Tables tables, List<StoredSeal> rows);

    /** After the transaction committed and its callers were answered: {@code nextLeafIndex} is the tree size now. */
    void committed(long nextLeafIndex);

    /** The transaction did not commit: nothing of the batch is in the log. */
    void rolledBack();
}
