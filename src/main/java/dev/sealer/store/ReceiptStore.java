package dev.sealer.store;

import dev.sealer.app.storage.SealFilter;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.storage.TailRow;
import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.integrity.Rows;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealIds;
import dev.sealer.core.seal.Stage;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The append-only receipts table: inserts in batches, lookups and the indexed auditor queries.
 * A receipt is stored as its fields and rebuilt from them; its canonical bytes are a pure
 * function of the fields ({@link Receipt#canonicalBytes()}), so they come back byte for byte.
 */
public final class ReceiptStore {
    /** Serialises log appends (leaf index assignment) across service instances sharing one database. */
    public static final long LOG_LOCK = 0x5ea1e7_0002L;
    static final String SELECT = "select r.seal_id, r.leaf_index, r.committed_at, r.row_mac, s.suite_id, r.digest_alg, r.stage, "
            + "r.request_id, r.subject, r.signer, r.digest, r.labels, r.parents, g.sig_ed25519, g.sig_ml_dsa, g.row_mac "
            + "from receipts r join suites s on s.suite_no = r.suite_no left join seal_signatures g on g.leaf_index = r.leaf_index ";

    private ReceiptStore() {
    }

    /** Serialises checkpoint issuing across instances, apart from appends: a checkpoint being signed never holds up sealing. */
    public static final long CHECKPOINT_LOCK = 0x5ea1e7_0003L;

    public static void lockLog(Connection c) throws SQLException {
        lock(c, LOG_LOCK);
    }

    /**
     * Taken to issue a checkpoint. No append lock is needed for that: appends commit one at a
     * time under {@link #LOG_LOCK}, so every snapshot sees a contiguous prefix of the log.
     */
    public static void lockCheckpoints(Connection c) throws SQLException {
        lock(c, CHECKPOINT_LOCK);
    }

    private static void lock(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
            ps.setLong(1, key);
            ps.execute();
        }
    }

    /**
     * The receipts rows at or after {@code fromLeaf}, in leaf order (at most {@code limit}): what
     * others appended after this writer's own tree. The log writer checks each before it builds
     * on it. A row that cannot be read as a receipt is returned as {@link TailRow.Undecodable}.
     */
    public static List<TailRow> tail(Connection c, long fromLeaf, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + "where r.leaf_index >= ? order by r.leaf_index limit ?")) {
            ps.setLong(1, fromLeaf);
            ps.setInt(2, limit);
            return tailRows(ps.executeQuery());
        }
    }

    private static List<TailRow> tailRows(ResultSet result) throws SQLException {
        List<TailRow> out = new ArrayList<>();
        try (ResultSet rs = result) {
            while (rs.next()) {
                try {
                    out.add(new TailRow.Seal(row(rs)));
                } catch (StoredReceiptException e) {
                    out.add(new TailRow.Undecodable(e.leafIndex, e.sealId, e.getCause().getMessage()));
                }
            }
        }
        return out;
    }

    /**
     * {@link #lockLog} and then {@link #tail}, sent in one round trip: two statements of one execute, which the server runs in
     * order. In READ COMMITTED each statement takes its snapshot when it starts, so the tail is read after the lock is held and
     * sees every append committed before it.
     */
    public static List<TailRow> lockLogAndTail(Connection c, long fromLeaf, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?); " + SELECT
                + "where r.leaf_index >= ? order by r.leaf_index limit ?")) {
            ps.setLong(1, LOG_LOCK);
            ps.setLong(2, fromLeaf);
            ps.setInt(3, limit);
            ps.execute(); // the lock's one-row result
            if (!ps.getMoreResults()) {
                throw new SQLException("the tail query returned no result set", "SL500");
            }
            return tailRows(ps.getResultSet());
        }
    }

    /** The stored seals with these ids (absent ones are left out). */
    public static List<StoredSeal> bySealIds(Connection c, Collection<UUID> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        return where(c, "r.seal_id = any(?)", c.createArrayOf("uuid", ids.toArray()));
    }

    public static Map<String, StoredSeal> byRequestIds(Connection c, Collection<String> requestIds) throws SQLException {
        Map<String, StoredSeal> result = new HashMap<>();
        if (requestIds.isEmpty()) {
            return result;
        }
        String[] ids = requestIds.toArray(String[]::new);
        // the hashes of the ids first (an init plan), then one index scan of receipts_request_id with = any: planned in about
        // 0.1 ms, where a join of unnest() with receipts took about 1 ms to plan on every group commit
        try (PreparedStatement ps = c.prepareStatement(SELECT + "where hashtextextended(r.request_id, 0) = any(array(select hashtextextended(q, 0) "
                + "from unnest(?::text[]) q)) and r.request_id = any(?::text[])")) {
            java.sql.Array array = c.createArrayOf("text", ids);
            ps.setArray(1, array);
            ps.setArray(2, array);
            for (StoredSeal s : rows(ps)) {
                result.put(s.requestId(), s);
            }
        }
        return result;
    }

    /**
     * Inserts a batch in one statement (one round trip): suites not seen before, the receipts,
     * and the signatures of SIGNED seals. The caller holds the log lock.
     */
    public static void insert(Connection c, List<StoredSeal> rows) throws SQLException {
        int n = rows.size();
        UUID[] sealIds = new UUID[n];
        Long[] leaves = new Long[n];
        Timestamp[] times = new Timestamp[n];
        byte[][] macs = new byte[n][];
        String[] suiteIds = new String[n];
        Short[] algs = new Short[n];
        Short[] stages = new Short[n];
        String[] requestIds = new String[n];
        String[] subjects = new String[n];
        String[] signers = new String[n];
        byte[][] digests = new byte[n][];
        String[] labels = new String[n];
        byte[][] parents = new byte[n][];
        List<StoredSeal> signed = new ArrayList<>();
        Set<String> suites = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) {
            StoredSeal s = rows.get(i);
            Receipt r = s.receipt();
            sealIds[i] = r.sealId();
            leaves[i] = s.leafIndex();
            times[i] = Timestamp.from(r.committedAt());
            macs[i] = s.rowMac();
            suiteIds[i] = r.suiteId();
            suites.add(r.suiteId());
            algs[i] = StoredCodes.of(r.digest().algorithm());
            stages[i] = StoredCodes.of(r.stage());
            requestIds[i] = r.requestId();
            subjects[i] = r.subject();
            signers[i] = r.signer();
            digests[i] = r.digest().value();
            labels[i] = r.labels().isEmpty() ? "" : CanonicalJson.writeString(r.labels());
            ByteBuffer p = ByteBuffer.allocate(16 * r.parents().size());
            r.parents().forEach(u -> p.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()));
            parents[i] = p.array();
            if (s.sigEd25519() != null) {
                signed.add(s);
            }
        }
        // the main statement does not see rows its own CTEs insert (one snapshot): new suites are unioned in
        try (PreparedStatement ps = c.prepareStatement("with new_suites as ("
                + "insert into suites (suite_id) select x from unnest(?::text[]) x where not exists (select 1 from suites s where s.suite_id = x) "
                + "returning suite_no, suite_id), "
                + "sigs as (insert into seal_signatures (leaf_index, sig_ed25519, sig_ml_dsa, row_mac) select * from unnest(?::bigint[], ?::bytea[], ?::bytea[], ?::bytea[])), "
                + "known as (select suite_no, suite_id from suites union all select suite_no, suite_id from new_suites) "
                + "insert into receipts (seal_id, leaf_index, committed_at, row_mac, suite_no, digest_alg, "
                + "stage, request_id, subject, signer, digest, labels, parents) "
                + "select x.seal_id, x.leaf_index, x.committed_at, x.row_mac, k.suite_no, x.digest_alg, x.stage, x.request_id, x.subject, "
                + "x.signer, x.digest, x.labels, x.parents from unnest(?::uuid[], ?::bigint[], ?::timestamptz[], ?::bytea[], ?::text[], "
                + "?::smallint[], ?::smallint[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::text[], ?::bytea[]) "
                + "as x(seal_id, leaf_index, committed_at, row_mac, suite_id, digest_alg, stage, request_id, subject, signer, digest, labels, parents) "
                + "join known k on k.suite_id = x.suite_id order by x.leaf_index")) {
            int i = 1;
            ps.setArray(i++, c.createArrayOf("text", suites.toArray()));
            ps.setArray(i++, c.createArrayOf("bigint", signed.stream().map(StoredSeal::leafIndex).toArray(Long[]::new)));
            ps.setArray(i++, c.createArrayOf("bytea", signed.stream().map(StoredSeal::sigEd25519).toArray(byte[][]::new)));
            ps.setArray(i++, c.createArrayOf("bytea", signed.stream().map(StoredSeal::sigMlDsa).toArray(byte[][]::new)));
            ps.setArray(i++, c.createArrayOf("bytea", signed.stream().map(StoredSeal::sigMac).toArray(byte[][]::new)));
            ps.setArray(i++, c.createArrayOf("uuid", sealIds));
            ps.setArray(i++, c.createArrayOf("bigint", leaves));
            ps.setArray(i++, c.createArrayOf("timestamptz", times));
            ps.setArray(i++, c.createArrayOf("bytea", macs));
            ps.setArray(i++, c.createArrayOf("text", suiteIds));
            ps.setArray(i++, c.createArrayOf("smallint", algs));
            ps.setArray(i++, c.createArrayOf("smallint", stages));
            ps.setArray(i++, c.createArrayOf("text", requestIds));
            ps.setArray(i++, c.createArrayOf("text", subjects));
            ps.setArray(i++, c.createArrayOf("text", signers));
            ps.setArray(i++, c.createArrayOf("bytea", digests));
            ps.setArray(i++, c.createArrayOf("text", labels));
            ps.setArray(i, c.createArrayOf("bytea", parents));
            int inserted = ps.executeUpdate();
            if (inserted != n) {
                throw new SQLException("inserted " + inserted + " of " + n + " receipts", "SL500");
            }
        }
    }

    /** Leaf hashes recomputed from the stored receipts, by leaf index (absent leaves are left out). */
    public static Map<Long, byte[]> leafHashes(Connection c, Collection<Long> leaves) throws SQLException {
        Map<Long, byte[]> out = new HashMap<>();
        if (leaves.isEmpty()) {
            return out;
        }
        for (StoredSeal s : where(c, "r.leaf_index = any(?)", c.createArrayOf("bigint", leaves.toArray()))) {
            out.put(s.leafIndex(), s.leafHash());
        }
        return out;
    }

    public static Optional<StoredSeal> bySealId(Connection c, UUID sealId) throws SQLException {
        List<StoredSeal> found = where(c, "r.seal_id = ?", sealId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Stored seals matching an SQL condition over {@code r} (receipts), {@code s} (suites) and {@code g} (signatures). */
    private static List<StoredSeal> where(Connection c, String condition, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + "where " + condition)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return rows(ps);
        }
    }

    /**
     * Seals matching {@code filter}, ordered by (committed_at, seal_id), strictly after the
     * cursor when given. Every filter uses an index: request_id, subject and signer through their
     * 8-byte hashes (subject and signer with committed_at), the time range through the
     * time-ordered primary key ({@link SealIds}: seal_id order is (committed_at, seal_id) order).
     */
    public static List<StoredSeal> list(Connection c, SealFilter f, Instant afterTime, UUID afterId, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        String where;
        String order = "r.committed_at, r.seal_id";
        String byHash = f.requestId() != null ? "request_id" : f.subject() != null ? "subject" : f.signer() != null ? "signer" : null;
        if (byHash != null) {
            String value = f.requestId() != null ? f.requestId() : f.subject() != null ? f.subject() : f.signer();
            where = "hashtextextended(r." + byHash + ", 0) = hashtextextended(?, 0) and r." + byHash + " = ?";
            args.add(value);
            args.add(value);
        } else {
            where = "r.seal_id >= ? and r.seal_id < ?";
            args.add(SealIds.lowerBound(f.from()));
            args.add(SealIds.lowerBound(f.to()));
            order = "r.seal_id";
        }
        boolean byStageOrLabel = f.stage() != null || f.labelKey() != null;
        if (f.stage() != null) {
            where += " and r.stage = ?";
            args.add(StoredCodes.of(f.stage()));
        }
        if (f.labelKey() != null) {
            // through the GIN index on sealer_labels(labels); the rows found are rebuilt and authenticated as any
            where += " and sealer_labels(r.labels) @> ?::jsonb";
            args.add(dev.sealer.core.json.CanonicalJson.writeString(java.util.Map.of(f.labelKey(), f.labelValue())));
        }
        if (afterTime != null && byHash == null) {
            where += " and r.seal_id > ?";
            args.add(afterId);
        } else if (afterTime != null) {
            where += " and (r.committed_at, r.seal_id) > (?, ?)";
            args.add(Timestamp.from(afterTime));
            args.add(afterId);
        }
        try (PreparedStatement ps = c.prepareStatement(SELECT + "where " + where + " order by " + order + " limit ?")) {
            if (byStageOrLabel) {
                customPlan(ps);
            }
            int i = 1;
            for (Object a : args) {
                ps.setObject(i++, a);
            }
            ps.setInt(i, limit);
            return rows(ps);
        }
    }

    /** The seals that name any of {@code parents} as a parent (through the GIN index on sealer_parent_ids(parents)), by seal id. */
    public static List<StoredSeal> children(Connection c, java.util.Collection<UUID> parents) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + "where sealer_parent_ids(r.parents) && ?::uuid[] order by r.seal_id")) {
            customPlan(ps);
            ps.setArray(1, c.createArrayOf("uuid", parents.toArray()));
            return rows(ps);
        }
    }

    /**
     * Plans this statement for its parameters on every execution (never a server-side generic plan). A stage or label
     * filter's best plan depends on the value: a rare label wants its GIN index and a sort, a label every seal carries the
     * primary key in order; a generic plan, made without the value, took the primary key for both (3.6 s for a rare label
     * on a million seals).
     */
    private static void customPlan(PreparedStatement ps) throws SQLException {
        if (ps.isWrapperFor(org.postgresql.PGStatement.class)) {
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        }
    }

    /**
     * Seals a revocation invalidates, by the rule's parameters ({@code SuiteWindows.affected()}:
     * the same rule the verifier applies): committed at or after {@code committedFrom}, or at a
     * leaf at or after {@code unanchoredFrom}, the size of the last checkpoint issued before
     * {@code anchoredBefore} (the caller finds it and checks its authenticator: the checkpoint
     * times in the table are not trusted as they are). Ordered by leaf index, after {@code afterLeaf}.
     */
    public static List<StoredSeal> affected(Connection c, dev.sealer.core.suite.SuiteWindows.Affected rule, long unanchoredFrom, long afterLeaf,
            int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + "where s.suite_id = ? and r.leaf_index > ? and "
                + "(r.committed_at >= ? or r.leaf_index >= ?) order by r.leaf_index limit ?")) {
            ps.setString(1, rule.suiteId());
            ps.setLong(2, afterLeaf);
            ps.setTimestamp(3, Timestamp.from(rule.committedFrom()));
            ps.setLong(4, unanchoredFrom);
            ps.setInt(5, limit);
            return rows(ps);
        }
    }

    /** Links a re-seal to the seal it replaces (once). {@code at} is stored to the microsecond, as the authenticator covers it. */
    public static void linkReseal(Connection c, UUID oldSealId, UUID newSealId, Instant at, String actor, RowAuthenticator auth) throws SQLException {
        Instant micros = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        try (PreparedStatement ps = c.prepareStatement("insert into reseals (new_seal_id, old_seal_id, resealed_at, actor, row_mac) values (?, ?, ?, ?, ?) "
                + "on conflict (new_seal_id) do nothing")) {
            ps.setObject(1, newSealId);
            ps.setObject(2, oldSealId);
            ps.setTimestamp(3, Timestamp.from(micros));
            ps.setString(4, actor);
            ps.setBytes(5, auth.tag(Rows.reseal(newSealId, oldSealId, micros, actor)));
            ps.executeUpdate();
        }
    }

    private static List<StoredSeal> rows(PreparedStatement ps) throws SQLException {
        List<StoredSeal> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                result.add(row(rs));
            }
        }
        return result;
    }

    /**
     * Rebuilds a receipt from its row. Throws {@link StoredReceiptException} when the row cannot be
     * a receipt (it was changed behind the service's back).
     */
    static StoredSeal row(ResultSet rs) throws SQLException {
        UUID sealId = rs.getObject(1, UUID.class);
        long leaf = rs.getLong(2);
        try {
            SortedMap<String, String> labels = new TreeMap<>();
            String labelJson = rs.getString(12);
            if (!labelJson.isEmpty()) {
                for (Map.Entry<String, Object> e : Json.parseObject(labelJson).entrySet()) {
                    labels.put(e.getKey(), (String) e.getValue());
                }
            }
            ByteBuffer p = ByteBuffer.wrap(rs.getBytes(13));
            List<UUID> parents = new ArrayList<>();
            while (p.remaining() >= 16) {
                parents.add(new UUID(p.getLong(), p.getLong()));
            }
            Receipt receipt = new Receipt(sealId, rs.getString(8), new Digest(StoredCodes.algorithm(rs.getShort(6)), rs.getBytes(11)),
                    rs.getString(9), StoredCodes.stage(rs.getShort(7)), labels, parents, rs.getString(5),
                    rs.getTimestamp(3).toInstant(), rs.getString(10));
            byte[] canonical = receipt.canonicalBytes();
            return new StoredSeal(receipt, canonical, Rfc6962.leafHash(canonical), leaf, rs.getBytes(4), rs.getBytes(14), rs.getBytes(15), rs.getBytes(16));
        } catch (RuntimeException e) {
            throw new StoredReceiptException(sealId, leaf, e);
        }
    }

    /** A receipts row that no longer forms a valid receipt: only direct tampering in the database produces one. */
    static final class StoredReceiptException extends SQLException {
        public final UUID sealId;
        public final long leafIndex;

        StoredReceiptException(UUID sealId, long leafIndex, RuntimeException cause) {
            super("stored receipt " + sealId + " at leaf " + leafIndex + " is not a valid receipt: " + cause.getMessage(), "SL422", cause);
            this.sealId = sealId;
            this.leafIndex = leafIndex;
        }
    }
}
