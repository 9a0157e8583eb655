package dev.sealer.app.storage;

/**
 * The stored log cannot give what was asked: a node or receipt row it needs is missing, or a
 * receipts row is not a receipt. Only a change behind the service's back produces it; callers
 * turn it into an integrity finding.
 */
public final class DamagedLog extends RuntimeException {
    public DamagedLog(String message, Throwable cause) {
        super(message, cause);
    }
}
