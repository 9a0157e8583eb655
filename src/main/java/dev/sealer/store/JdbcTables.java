package dev.sealer.store;

import dev.sealer.app.storage.AuditEvent;
import dev.sealer.app.storage.AuditFilter;
import dev.sealer.app.storage.AuditRows;
import dev.sealer.app.storage.LogRows;
import dev.sealer.app.storage.ReceiptRows;
import dev.sealer.app.storage.SealFilter;
import dev.sealer.app.storage.StoredCheckpoint;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.storage.StoredSuiteEvent;
import dev.sealer.app.storage.SuiteEventRows;
import dev.sealer.app.storage.Tables;
import dev.sealer.app.storage.TailRow;
import dev.sealer.app.storage.StoredTimestamp;
import dev.sealer.app.storage.TimestampRows;
import dev.sealer.core.integrity.IntegrityCheck;
import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.merkle.NodeHash;
import dev.sealer.core.merkle.NodeId;
import dev.sealer.core.suite.SuiteWindows;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongFunction;

/** The {@link Tables} of one JDBC unit of work: each call is the table class's SQL on the unit's connection. */
final class JdbcTables implements Tables, ReceiptRows, LogRows, SuiteEventRows, AuditRows, TimestampRows, dev.sealer.app.storage.LineageRows {
    /** An SQL failure inside a unit of work, carried out of it to {@link JdbcStorage}, which maps it. */
    static final class Failure extends RuntimeException {
        Failure(SQLException e) {
            super(e);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run() throws SQLException;
    }

    private final Connection c;
    /** {@link #lockAppends()} was called and the lock is not taken yet: it goes out with the next statement. */
    private boolean appendLockPending;

    JdbcTables(Connection c) {
        this.c = c;
    }

    private <T> T sql(Sql<T> s) {
        try {
            if (appendLockPending) {
                appendLockPending = false;
                ReceiptStore.lockLog(c);
            }
            return s.run();
        } catch (SQLException e) {
            throw new Failure(e);
        }
    }

    @Override
    public ReceiptRows receipts() {
        return this;
    }

    @Override
    public LogRows log() {
        return this;
    }

    @Override
    public SuiteEventRows suiteEvents() {
        return this;
    }

    @Override
    public AuditRows audit() {
        return this;
    }

    @Override
    public TimestampRows timestamps() {
        return this;
    }

    @Override
    public dev.sealer.app.storage.LineageRows lineage() {
        return this;
    }

    // ---- lineage_manifests ----

    @Override
    public boolean insertManifest(byte[] sha256, byte[] manifest) {
        return sql(() -> LineageStore.insert(c, sha256, manifest));
    }

    @Override
    public Optional<byte[]> manifest(byte[] sha256) {
        return sql(() -> LineageStore.manifest(c, sha256));
    }

    // ---- checkpoint_timestamps ----

    @Override
    public boolean insert(StoredTimestamp t) {
        return sql(() -> TimestampStore.insert(c, t));
    }

    @Override
    public Optional<StoredTimestamp> at(long treeSize) {
        return sql(() -> TimestampStore.at(c, treeSize));
    }

    @Override
    public Optional<StoredTimestamp> lastBefore(Instant t) {
        return sql(() -> TimestampStore.lastBefore(c, t));
    }

    @Override
    public List<Long> untimestamped(long above, int limit) {
        return sql(() -> TimestampStore.untimestamped(c, above, limit));
    }

    @Override
    public long untimestampedCount(long above) {
        return sql(() -> TimestampStore.untimestampedCount(c, above));
    }

    @Override
    public long nextSerialBlock() {
        return sql(() -> TimestampStore.nextSerialBlock(c));
    }

    @Override
    public IntegrityCheck.Report sweep(IntegrityCheck check) {
        return sql(() -> IntegritySweep.run(c, check));
    }

    // ---- receipts ----

    /**
     * The append lock is taken with the unit's next statement, before it runs: no statement of this unit runs without it.
     * The log writer's next statement is its tail check, and the two go in one round trip ({@link ReceiptStore#lockLogAndTail}).
     */
    @Override
    public void lockAppends() {
        appendLockPending = true;
    }

    @Override
    public List<TailRow> tail(long fromLeaf, int limit) {
        if (appendLockPending) {
            appendLockPending = false;
            return sql(() -> ReceiptStore.lockLogAndTail(c, fromLeaf, limit));
        }
        return sql(() -> ReceiptStore.tail(c, fromLeaf, limit));
    }

    @Override
    public List<StoredSeal> bySealIds(Collection<UUID> ids) {
        return sql(() -> ReceiptStore.bySealIds(c, ids));
    }

    @Override
    public List<StoredSeal> children(Collection<UUID> parents) {
        return sql(() -> ReceiptStore.children(c, parents));
    }

    @Override
    public Optional<StoredSeal> bySealId(UUID sealId) {
        return sql(() -> ReceiptStore.bySealId(c, sealId));
    }

    @Override
    public Map<String, StoredSeal> byRequestIds(Collection<String> requestIds) {
        return sql(() -> ReceiptStore.byRequestIds(c, requestIds));
    }

    @Override
    public void insert(List<StoredSeal> rows) {
        sql(() -> {
            ReceiptStore.insert(c, rows);
            return null;
        });
    }

    @Override
    public Map<Long, byte[]> leafHashes(Collection<Long> leaves) {
        return sql(() -> ReceiptStore.leafHashes(c, leaves));
    }

    @Override
    public List<StoredSeal> list(SealFilter filter, Instant afterTime, UUID afterId, int limit) {
        return sql(() -> ReceiptStore.list(c, filter, afterTime, afterId, limit));
    }

    @Override
    public List<StoredSeal> affected(SuiteWindows.Affected rule, long unanchoredFrom, long afterLeaf, int limit) {
        return sql(() -> ReceiptStore.affected(c, rule, unanchoredFrom, afterLeaf, limit));
    }

    @Override
    public void linkReseal(UUID oldSealId, UUID newSealId, Instant at, String actor, RowAuthenticator auth) {
        sql(() -> {
            ReceiptStore.linkReseal(c, oldSealId, newSealId, at, actor, auth);
            return null;
        });
    }

    // ---- log ----

    @Override
    public void lockCheckpoints() {
        sql(() -> {
            ReceiptStore.lockCheckpoints(c);
            return null;
        });
    }

    @Override
    public void insertNodes(List<NodeHash> nodes, RowAuthenticator auth) {
        sql(() -> {
            LogStore.insertNodes(c, nodes, auth);
            return null;
        });
    }

    @Override
    public List<byte[]> nodes(List<NodeId> ids, LongFunction<byte[]> knownLeaves) {
        return sql(() -> LogStore.nodes(c, ids, knownLeaves));
    }

    @Override
    public void insertCheckpoint(StoredCheckpoint cp) {
        sql(() -> {
            LogStore.insertCheckpoint(c, cp);
            return null;
        });
    }

    @Override
    public Optional<StoredCheckpoint> latestCheckpoint() {
        return sql(() -> LogStore.latestCheckpoint(c));
    }

    @Override
    public Optional<StoredCheckpoint> checkpointAt(long size) {
        return sql(() -> LogStore.checkpointAt(c, size));
    }

    @Override
    public Optional<StoredCheckpoint> lastCheckpointBefore(Instant t) {
        return sql(() -> LogStore.lastCheckpointBefore(c, t));
    }

    @Override
    public Optional<StoredCheckpoint> firstCheckpointCovering(long leafIndex) {
        return sql(() -> LogStore.firstCheckpointCovering(c, leafIndex));
    }

    // ---- suite events ----

    @Override
    public void lock() {
        sql(() -> {
            SuiteEventStore.lock(c);
            return null;
        });
    }

    @Override
    public List<StoredSuiteEvent> all() {
        return sql(() -> SuiteEventStore.all(c));
    }

    @Override
    public void append(RowAuthenticator auth, String suiteId, String type, Instant effectiveAt, String actor, String payload) {
        sql(() -> {
            SuiteEventStore.append(c, auth, suiteId, type, effectiveAt, actor, payload);
            return null;
        });
    }

    // ---- audit ----

    @Override
    public void insert(List<AuditEvent> events, RowAuthenticator auth) {
        sql(() -> {
            AuditStore.insert(c, events, auth);
            return null;
        });
    }

    @Override
    public long length() {
        return sql(() -> AuditStore.length(c));
    }

    @Override
    public List<AuditEvent> list(AuditFilter filter, Instant afterTime, long afterSeq, int limit) {
        return sql(() -> AuditStore.list(c, filter, afterTime, afterSeq, limit));
    }
}
