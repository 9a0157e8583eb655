package dev.sealer.bench;

import dev.sealer.bench.LoadGenerator.Config;
import dev.sealer.bench.LoadGenerator.Kind;
import dev.sealer.core.crypto.InMemoryPseudoRandomKey;
import dev.sealer.core.crypto.SecretBytes;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.suite.SuiteKeys;
import dev.sealer.testing.TestDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The physical floor of one seal and the ceiling of batched sealing, measured in the same run as the service points
 * (issue 19): an empty unary call on the load generator's own channels (grpc.health.v1.Health/Check, through the same
 * server interceptors), a one-row durable PostgreSQL commit on the service's database server, the dual signature; and
 * the storage limit: receipt-sized rows per second one writer commits durably in the batch shape Sealer uses (one
 * multi-row unnest insert per transaction) into a table shaped and indexed as {@code receipts}.
 */
record Floors(LoadGenerator.Result emptyCall, Point commit, Point dualSign, double storageRowsPerSecond, int storageBatch, String durability) {

    /** A sequential latency measurement: p50/p99 in ms over {@code count} samples. */
    record Point(double p50, double p99, long count) {
    }

    /** The single-call floor: the three p50s added. */
    double sumP50() {
        return emptyCall.p50() + commit.p50() + dualSign.p50();
    }

    static Floors measure(LoadGenerator lg, TestDatabase db, Duration duration, Duration warmup, int messageBytes) throws Exception {
        LoadGenerator.Result empty = lg.run(new Config(Kind.EMPTY, 1, duration, warmup, 1, false, 0));
        String durability;
        Point commit;
        double rows;
        int batch = Integer.parseInt(BenchmarkRun.setting("bench.storage-limit-batch", "1024"));
        try (Connection c = db.connect()) { // the service's own database, on the same server
            durability = durability(c);
            commit = commitLatency(c, duration, warmup, messageBytes);
            rows = storageLimit(c, duration, warmup, batch);
        }
        return new Floors(empty, commit, dualSignLatency(duration, warmup, messageBytes), rows, batch, durability);
    }

    /** The settings a "durable" number depends on, as the server reports them (they must be on). */
    static String durability(Connection c) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Statement st = c.createStatement()) {
            for (String g : new String[] {"fsync", "synchronous_commit", "full_page_writes", "wal_sync_method"}) {
                try (ResultSet rs = st.executeQuery("show " + g)) {
                    rs.next();
                    sb.append(sb.isEmpty() ? "" : ", ").append(g).append('=').append(rs.getString(1));
                }
            }
        }
        return sb.toString();
    }

    /** One autocommitted one-row insert at a time: its commit waits for the WAL flush. */
    static Point commitLatency(Connection c, Duration duration, Duration warmup, int bytes) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("drop table if exists bench_floor");
            st.execute("create table bench_floor (id bigserial primary key, payload bytea not null)");
        }
        c.setAutoCommit(true);
        byte[] payload = new byte[bytes];
        new SecureRandom().nextBytes(payload);
        Latencies l = Latencies.create();
        try (PreparedStatement ps = c.prepareStatement("insert into bench_floor (payload) values (?)")) {
            ps.setBytes(1, payload);
            long measureFrom = System.nanoTime() + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                ps.executeUpdate();
                if (now >= measureFrom) {
                    l.record(System.nanoTime() - now);
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("drop table bench_floor");
        }
        return new Point(l.percentileMillis(50), l.percentileMillis(99), l.count());
    }

    /** One dual signature (Ed25519 + ML-DSA-65) at a time over a receipt-sized message, as a seal is signed. */
    static Point dualSignLatency(Duration duration, Duration warmup, int bytes) throws Exception {
        byte[] root = new byte[32];
        new SecureRandom().nextBytes(root);
        byte[] message = SignedMessage.receipt(new byte[bytes - SignedMessage.RECEIPT.length()]);
        Latencies l = Latencies.create();
        try (SecretBytes rootBytes = SecretBytes.copyOf(root); InMemoryPseudoRandomKey prk = InMemoryPseudoRandomKey.of(rootBytes);
                SuiteKeys keys = SuiteKeys.operational(prk, "floor-suite", SignatureAlgorithm.ML_DSA_65)) {
            long measureFrom = System.nanoTime() + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                keys.sign(message);
                if (now >= measureFrom) {
                    l.record(System.nanoTime() - now);
                }
            }
        }
        return new Point(l.percentileMillis(50), l.percentileMillis(99), l.count());
    }

    /**
     * Receipt rows per second into {@code bench_receipts} (created {@code like receipts including all}: the same columns,
     * defaults and indexes; no triggers), {@code batch} rows per transaction in one unnest insert, one writer, durable commits.
     */
    static double storageLimit(Connection c, Duration duration, Duration warmup, int batch) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("drop table if exists bench_receipts");
            st.execute("create table bench_receipts (like receipts including defaults including indexes including constraints)");
            st.execute("alter table bench_receipts drop constraint if exists bench_receipts_suite_no_fkey");
        }
        SecureRandom rnd = new SecureRandom();
        c.setAutoCommit(false);
        long leaf = 0;
        long rows = 0;
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        long measuredFrom = -1;
        String sql = "insert into bench_receipts (seal_id, leaf_index, committed_at, row_mac, suite_no, digest_alg, stage, request_id, subject, "
                + "signer, digest, labels, parents) select * from unnest(?::uuid[], ?::bigint[], ?::timestamptz[], ?::bytea[], ?::int[], "
                + "?::smallint[], ?::smallint[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::text[], ?::bytea[])";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                if (measuredFrom < 0 && now >= measureFrom) {
                    measuredFrom = now;
                    rows = 0;
                }
                UUID[] ids = new UUID[batch];
                Long[] leaves = new Long[batch];
                Timestamp[] times = new Timestamp[batch];
                byte[][] macs = new byte[batch][];
                Integer[] suites = new Integer[batch];
                Short[] algs = new Short[batch];
                Short[] stages = new Short[batch];
                String[] requests = new String[batch];
                String[] subjects = new String[batch];
                String[] signers = new String[batch];
                byte[][] digests = new byte[batch][];
                String[] labels = new String[batch];
                byte[][] parents = new byte[batch][];
                Timestamp t = Timestamp.from(Instant.now());
                for (int i = 0; i < batch; i++) {
                    ids[i] = UUID.randomUUID();
                    leaves[i] = leaf++;
                    times[i] = t;
                    macs[i] = new byte[32];
                    rnd.nextBytes(macs[i]);
                    suites[i] = 1;
                    algs[i] = 1;
                    stages[i] = 4;
                    requests[i] = "bench-" + ids[i];
                    subjects[i] = "models/bench-" + (leaf % 1000) + ".bin";
                    signers[i] = "CN=bench-pipeline";
                    digests[i] = new byte[32];
                    rnd.nextBytes(digests[i]);
                    labels[i] = "{\"team\":\"ml-platform\"}";
                    parents[i] = new byte[0];
                }
                int k = 1;
                ps.setArray(k++, c.createArrayOf("uuid", ids));
                ps.setArray(k++, c.createArrayOf("bigint", leaves));
                ps.setArray(k++, c.createArrayOf("timestamptz", times));
                ps.setArray(k++, c.createArrayOf("bytea", macs));
                ps.setArray(k++, c.createArrayOf("int4", suites));
                ps.setArray(k++, c.createArrayOf("int2", algs));
                ps.setArray(k++, c.createArrayOf("int2", stages));
                ps.setArray(k++, c.createArrayOf("text", requests));
                ps.setArray(k++, c.createArrayOf("text", subjects));
                ps.setArray(k++, c.createArrayOf("text", signers));
                ps.setArray(k++, c.createArrayOf("bytea", digests));
                ps.setArray(k++, c.createArrayOf("text", labels));
                ps.setArray(k, c.createArrayOf("bytea", parents));
                ps.executeUpdate();
                c.commit();
                rows += batch;
            }
        } finally {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("drop table if exists bench_receipts");
            }
        }
        return rows / ((System.nanoTime() - measuredFrom) / 1e9);
    }
}
