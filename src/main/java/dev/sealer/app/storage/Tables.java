package dev.sealer.app.storage;

import dev.sealer.core.integrity.IntegrityCheck;

/**
 * The append-only tables, inside one unit of work ({@link Storage}). Rows come back as they are
 * stored: whether one is this authority's own is decided by {@code app.integrity.RowGuard} and
 * the rules in {@code core.integrity}, never here.
 */
public interface Tables {
    ReceiptRows receipts();

    LogRows log();

    SuiteEventRows suiteEvents();

    AuditRows audit();

    TimestampRows timestamps();

    LineageRows lineage();

    /** Feeds every stored row at or after the check's resume point to {@code check} and returns its report. */
    IntegrityCheck.Report sweep(IntegrityCheck check);
}
