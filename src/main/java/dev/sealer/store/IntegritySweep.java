package dev.sealer.store;

import dev.sealer.app.storage.StoredSeal;
import dev.sealer.core.integrity.IntegrityCheck;
import dev.sealer.core.integrity.SuiteHistoryCheck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads every stored row, in one snapshot, into the pure {@link IntegrityCheck} (where the
 * comparisons live). The scheduled sweep, the admin RPC and the {@code sealer sweep} command
 * run this same code. Memory: the stored nodes (about one per 15 receipts) are held while the
 * receipts stream by.
 */
public final class IntegritySweep {
    private IntegritySweep() {
    }

    /**
     * Feeds every stored row to {@code check} (which may carry expectations, {@link IntegrityCheck#expect}) and returns its report.
     * When {@code c} is already inside a transaction it is used as it is (and left open); otherwise the sweep runs in one
     * repeatable-read snapshot of its own.
     */
    public static IntegrityCheck.Report run(Connection c, IntegrityCheck check) throws SQLException {
        boolean own = c.getAutoCommit();
        if (own) {
            c.setAutoCommit(false); // a cursor needs a transaction; one snapshot for the whole sweep
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        try {
            long from = check.resumeFrom();
            try (PreparedStatement ps = c.prepareStatement("select level, idx, hash, row_mac from log_nodes where (idx + 1) * (1::bigint << level) > ?")) {
                ps.setLong(1, from);
                ps.setFetchSize(5000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        check.node(new IntegrityCheck.NodeRow(rs.getShort(1), rs.getLong(2), rs.getBytes(3), rs.getBytes(4)));
                    }
                }
            }
            check.checkpoints(LogStore.allCheckpoints(c).stream().filter(cp -> cp.treeSize() >= from).map(cp -> new IntegrityCheck.CheckpointRow(cp.treeSize(), cp.rootHash(), cp.issuedAt(),
                    cp.suiteId(), cp.note(), cp.previousSize(), cp.suiteEvents(), cp.auditEvents(), cp.rowMac())).toList());
            check.timestamps(TimestampStore.all(c).stream().map(t -> new IntegrityCheck.TimestampRow(t.treeSize(), t.tsa(), t.genTime(), t.token(),
                    t.rowMac())).toList(), check.timestampTrust(), check.timestampRoot());
            check.suiteHistory(SuiteEventStore.all(c).stream().map(e -> new SuiteHistoryCheck.Event(e.seq(), e.position(), e.suiteId(), e.type(),
                    e.effectiveAt(), e.actor(), e.payload(), e.rowMac())).toList());
            try (PreparedStatement ps = c.prepareStatement(ReceiptStore.SELECT + "where r.leaf_index >= ? order by r.leaf_index")) {
                ps.setLong(1, from);
                ps.setFetchSize(2000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        try {
                            StoredSeal s = ReceiptStore.row(rs);
                            check.receipt(new IntegrityCheck.ReceiptRow(s.leafIndex(), s.sealId(), s.receipt(), null, s.leafHash(), s.rowMac(),
                                    s.sigEd25519(), s.sigMlDsa(), s.sigMac()));
                        } catch (ReceiptStore.StoredReceiptException e) {
                            check.receipt(new IntegrityCheck.ReceiptRow(e.leafIndex, e.sealId, null, e.getCause().getMessage(), null, null, null, null, null));
                        }
                    }
                }
            }
            java.util.Collection<dev.sealer.core.seal.Digest> metaSeals = check.metaSealDigests();
            if (!metaSeals.isEmpty()) {
                java.util.Map<String, byte[]> manifests = new java.util.HashMap<>();
                for (dev.sealer.core.seal.Digest d : metaSeals) {
                    LineageStore.manifest(c, d.value()).ifPresent(m -> manifests.put(d.hex(), m));
                }
                check.lineageManifests(manifests);
            }
            List<Long> orphans = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select g.leaf_index from seal_signatures g where g.leaf_index >= ? and not exists "
                    + "(select 1 from receipts r where r.leaf_index = g.leaf_index) order by g.leaf_index")) {
                ps.setLong(1, from);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        orphans.add(rs.getLong(1));
                    }
                }
            }
            check.orphanSignatures(orphans);
            try (PreparedStatement ps = c.prepareStatement("select event_seq, coalesce(position, -1), occurred_at, actor, action, target, outcome, detail, "
                    + "row_mac from audit_events order by event_seq")) {
                ps.setFetchSize(2000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        check.auditEvent(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getString(5), rs.getString(6),
                                rs.getString(7), rs.getString(8), rs.getBytes(9));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select new_seal_id, old_seal_id, resealed_at, actor, row_mac from reseals order by new_seal_id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    check.reseal(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getBytes(5));
                }
            }
            return check.finish();
        } finally {
            if (own) {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
