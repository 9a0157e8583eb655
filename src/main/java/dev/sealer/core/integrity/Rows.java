package dev.sealer.core.integrity;

import java.time.Instant;
import java.util.UUID;

/**
 * The authenticated content of each stored row: one message per table, the only definition the
 * writer and the integrity sweep share. Each table name is the message's first field, so a row
 * cannot be moved to another table; every position (leaf index, node, tree size, history
 * position) is covered, so a row cannot be moved within its table either.
 */
public final class Rows {
    private Rows() {
    }

    /**
     * A receipt at {@code leafIndex}: its leaf hash (which covers every field of the canonical
     * receipt) and whether it was stored with per-seal signatures, so that removing them is
     * noticed (a SIGNED seal must not silently become an ANCHORED one).
     */
    public static RowMessage receipt(long leafIndex, byte[] leafHash, boolean signed) {
        return RowMessage.of("receipts").integer(leafIndex).bytes(leafHash).integer(signed ? 1 : 0);
    }

    public static RowMessage signatures(long leafIndex, byte[] ed25519, byte[] mlDsa) {
        return RowMessage.of("seal_signatures").integer(leafIndex).bytes(ed25519).bytes(mlDsa);
    }

    public static RowMessage logNode(int level, long index, byte[] hash) {
        return RowMessage.of("log_nodes").integer(level).integer(index).bytes(hash);
    }

    /**
     * A checkpoint row: every stored field, the size of the checkpoint before it (0 for the first)
     * and the lengths of the suite history and of the audit trail when it was issued.
     */
    public static RowMessage checkpoint(long treeSize, byte[] rootHash, Instant issuedAt, String suiteId, String note, long previousSize,
            long suiteEvents, long auditEvents) {
        return RowMessage.of("checkpoints").integer(treeSize).bytes(rootHash).time(issuedAt).text(suiteId).text(note).integer(previousSize)
                .integer(suiteEvents).integer(auditEvents);
    }

    /** A suite event at {@code position} of the history, chained to the authenticator of the event before it (empty for the first). */
    public static RowMessage suiteEvent(long position, byte[] previousMac, String suiteId, String type, Instant effectiveAt, String actor,
            String payload) {
        return RowMessage.of("suite_events").integer(position).bytes(previousMac).text(suiteId).text(type).time(effectiveAt).text(actor)
                .text(payload);
    }

    /** An audit event at {@code position} of the trail, chained to the authenticator of the event before it (empty for the first). */
    public static RowMessage auditEvent(long position, byte[] previousMac, Instant occurredAt, String actor, String action, String target, String outcome,
            String detail) {
        return RowMessage.of("audit_events").integer(position).bytes(previousMac).time(occurredAt).text(actor).text(action).text(target).text(outcome)
                .text(detail);
    }

    /** The time-stamp token of the checkpoint of {@code treeSize}: the TSA's name, the token's genTime and the DER token. */
    public static RowMessage checkpointTimestamp(long treeSize, String tsa, Instant genTime, byte[] token) {
        return RowMessage.of("checkpoint_timestamps").integer(treeSize).text(tsa).time(genTime).bytes(token);
    }

    public static RowMessage reseal(UUID newSealId, UUID oldSealId, Instant resealedAt, String actor) {
        return RowMessage.of("reseals").text(newSealId.toString()).text(oldSealId.toString()).time(resealedAt).text(actor);
    }
}
