package dev.sealer.core.integrity;

/**
 * One integrity finding: the table, the row (its key, e.g. {@code leaf 17} or
 * {@code tree_size 512}) and what is wrong. {@code reason} is the stable code (ANCHOR_MISMATCH).
 */
public record Finding(String reason, String table, String row, String detail) {
    public static final String ANCHOR_MISMATCH = "ANCHOR_MISMATCH";

    public static Finding of(String table, String row, String detail) {
        return new Finding(ANCHOR_MISMATCH, table, row, detail);
    }

    /** One line: {@code ANCHOR_MISMATCH table=receipts row=leaf 17: ...}. */
    @Override
    public String toString() {
        return reason + " table=" + table + " row=" + row + ": " + detail;
    }
}
