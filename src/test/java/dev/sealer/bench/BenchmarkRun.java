package dev.sealer.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.sealer.bench.LoadGenerator.Config;
import dev.sealer.bench.LoadGenerator.Kind;
import dev.sealer.bench.LoadGenerator.Result;
import dev.sealer.core.crypto.InMemoryPseudoRandomKey;
import dev.sealer.core.crypto.SecretBytes;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SignatureVerifier;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteKeys;
import dev.sealer.hsm.Pkcs11Hsm;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The whole service benchmark in one run on this machine (issue 7): the in-process crypto limit,
 * the naive HSM baseline, the packaged service under gRPC load, storage per seal, JFR profiles, and
 * the generated "Service benchmark" section of docs/performance.md plus docs/performance-throughput.png.
 * Run it with {@code bench/run.sh}; every knob is a system property or environment variable (see {@link #setting}).
 */
public final class BenchmarkRun {

    // ---- settings -------------------------------------------------------------------------------------------

    /** {@code bench.x.y} as a system property, else {@code BENCH_X_Y} from the environment, else the default. */
    static String setting(String key, String def) {
        String v = System.getProperty(key);
        if (v == null) {
            v = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        return v == null || v.isBlank() ? def : v.trim();
    }

    static final int NPROC = Runtime.getRuntime().availableProcessors();
    static final Duration DURATION = Duration.ofSeconds(Long.parseLong(setting("bench.duration", "10")));
    static final Duration WARMUP = Duration.ofSeconds(Long.parseLong(setting("bench.warmup", "3")));
    static final Duration SERVICE_WARMUP = Duration.ofSeconds(Long.parseLong(setting("bench.service-warmup", "15")));
    static final Duration LIMIT_TIME = Duration.ofSeconds(Long.parseLong(setting("bench.limit-seconds", "5")));
    static final Duration SUSTAINED = Duration.ofSeconds(Long.parseLong(setting("bench.sustained-seconds", "60")));
    static final int[] CONCURRENCY = java.util.Arrays.stream(setting("bench.concurrency", "1,4,16,64").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    static final int INFLIGHT = Integer.parseInt(setting("bench.inflight", "16"));
    static final long STORAGE_SEALS = Long.parseLong(setting("bench.storage-seals", "100000"));
    static final int STORAGE_CONCURRENCY = Integer.parseInt(setting("bench.storage-concurrency", "64"));
    static final int MESSAGE_BYTES = Integer.parseInt(setting("bench.message-bytes", "400"));
    static final boolean JFR = Boolean.parseBoolean(setting("bench.jfr", "true"));
    static final Path OUT = Path.of(setting("bench.out", "target/bench"));
    static final Path DOC = Path.of(setting("bench.doc", "docs/performance.md"));
    static final Path PNG = Path.of(setting("bench.png", "docs/performance-throughput.png"));

    static final double SIGNED_TARGET = 0.6;
    static final double VERIFY_TARGET = 0.6;
    static final double BATCHED_TARGET_RATE = 20_000;
    static final double BATCHED_TARGET_P99_MS = 50;
    static final double BATCHED_TARGET_BYTES = 512;

    // ---- measurements ---------------------------------------------------------------------------------------

    /** ops/s over the wall-clock window, and CPU ms per op from the measuring threads' own CPU time (robust to other load). */
    record Rate(int threads, double opsPerSecond, long ops, double seconds, double cpuMsPerOp) {
    }

    /** One service load point with the CPU it cost. */
    record Point(String series, Result result, double serviceCpuMsPerOp, double clientCpuMsPerOp, double machineBusy) {
    }

    record Storage(long seals, long bytesBefore, long bytesAfter, Map<String, Long> perTableDelta, Result load, String mode, Map<String, Double> columns,
            Cpu cpuBefore, Cpu cpuAfter) {
        double bytesPerSeal() {
            return seals == 0 ? Double.NaN : (double) (bytesAfter - bytesBefore) / seals;
        }
    }

    record Profile(String point, Path file, long samples, List<Map.Entry<String, Long>> topSelf, List<Map.Entry<String, Long>> categories,
            List<Map.Entry<String, Long>> threads, List<Map.Entry<String, Long>> sealerFrames) {
    }

    final List<String> log = new ArrayList<>();
    final Map<String, Rate> limits = new LinkedHashMap<>();
    final Map<String, Rate> baseline = new LinkedHashMap<>();
    final List<Point> points = new ArrayList<>();
    final List<Storage> storage = new ArrayList<>();
    final List<Profile> profiles = new ArrayList<>();
    Point sustained;
    Floors floors;
    String batchedMode;
    Instant started;
    Instant finished;
    String loadBefore;
    String loadAfter;
    String serviceStartup;

    public static void main(String[] args) throws Exception {
        new BenchmarkRun().run();
        System.exit(0); // embedded PostgreSQL and gRPC threads are stopped by shutdown hooks
    }

    void run() throws Exception {
        started = Instant.now();
        loadBefore = loadAvg();
        Files.createDirectories(OUT);
        batchedMode = LoadGenerator.batchedMode().map(v -> v.getName()).orElse(null);
        say("== Sealer benchmark %s, nproc=%d, cpu=%s, load %s; latencies: %s; batched mode in proto: %s", started, NPROC, cpuModel(), loadBefore,
                Latencies.implementation(), batchedMode == null ? "no" : batchedMode);
        measureLimit("", new int[] {1, NPROC});
        measureBaseline();
        measureService();
        measureLimit("-after", new int[] {NPROC}); // again at the end: how much the shared machine moved the limit during the run
        finished = Instant.now();
        loadAfter = loadAvg();
        say("== done %s (%.1f min), load %s", finished, Duration.between(started, finished).toSeconds() / 60.0, loadAfter);
        Files.write(OUT.resolve("service-bench.log"), log);
        Plot.write(this, PNG);
        Report.write(this, DOC);
        say("wrote %s and %s", DOC, PNG);
    }

    // (a) the limit: raw dual-sign and dual-verify, in process, 1 thread and all cores
    void measureLimit(String suffix, int[] threadCounts) throws Exception {
        byte[] root = new byte[32];
        SecureRandom rnd = new SecureRandom();
        rnd.nextBytes(root);
        byte[] canonical = new byte[MESSAGE_BYTES - SignedMessage.RECEIPT.length()];
        rnd.nextBytes(canonical);
        byte[] message = SignedMessage.receipt(canonical);
        try (SecretBytes rootBytes = SecretBytes.copyOf(root); InMemoryPseudoRandomKey prk = InMemoryPseudoRandomKey.of(rootBytes);
                SuiteKeys keys = SuiteKeys.operational(prk, "bench-suite", SignatureAlgorithm.ML_DSA_65)) {
            DualSignature sig = keys.sign(message);
            byte[] edPk = keys.ed25519PublicKey();
            byte[] mlPk = keys.mlDsaPublicKey();
            Supplier<Boolean> verify = () -> SignatureVerifier.verify(SignatureAlgorithm.ED25519, edPk, message, sig.ed25519())
                    & SignatureVerifier.verify(SignatureAlgorithm.ML_DSA_65, mlPk, message, sig.mlDsa());
            if (!verify.get()) {
                throw new IllegalStateException("limit setup: the dual signature does not verify");
            }
            for (int t : threadCounts) {
                String k = "dual-sign-" + t + suffix;
                limits.put(k, timed(t, () -> keys.sign(message)));
                say("limit%s dual-sign   %d thread(s): %,.0f ops/s, %.3f CPU ms/op", suffix, t, limits.get(k).opsPerSecond(), limits.get(k).cpuMsPerOp());
                String kv = "dual-verify-" + t + suffix;
                limits.put(kv, timed(t, () -> {
                    if (!verify.get()) {
                        throw new IllegalStateException("verification failed");
                    }
                }));
                say("limit%s dual-verify %d thread(s): %,.0f ops/s, %.3f CPU ms/op", suffix, t, limits.get(kv).opsPerSecond(), limits.get(kv).cpuMsPerOp());
            }
        }
    }

    // (b) the baseline: every digest signed by the HSM-resident ECDSA P-256 key through SunPKCS11 on SoftHSM2
    void measureBaseline() throws Exception {
        TestHsm hsm = TestHsm.get();
        byte[] message = new byte[MESSAGE_BYTES];
        new SecureRandom().nextBytes(message);
        try (Pkcs11Hsm p = Pkcs11Hsm.open(hsm.config(TestHsm.GOOD))) {
            for (int t : new int[] {1, NPROC}) {
                baseline.put("hsm-ecdsa-" + t, timed(t, () -> p.signAttestation(message)));
                say("baseline HSM ECDSA P-256 %d thread(s): %,.0f ops/s, %.3f CPU ms/op (this JVM's threads; SoftHSM2 runs in-process)", t, baseline.get("hsm-ecdsa-" + t).opsPerSecond(), baseline.get("hsm-ecdsa-" + t).cpuMsPerOp());
            }
        }
    }

    /** A timed closed loop on {@code threads} threads: LIMIT_TIME/2 warmup, then LIMIT_TIME measured. */
    Rate timed(int threads, Runnable op) throws InterruptedException {
        long warm = LIMIT_TIME.toNanos() / 2;
        long start = System.nanoTime();
        long measureStart = start + warm;
        long end = measureStart + LIMIT_TIME.toNanos();
        LongAdder count = new LongAdder();
        LongAdder cpu = new LongAdder();
        var mx = ManagementFactory.getThreadMXBean();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ts.add(Thread.ofPlatform().name("limit-" + i).start(() -> {
                long n = 0;
                long now;
                long cpuStart = -1;
                while ((now = System.nanoTime()) < end) {
                    if (cpuStart < 0 && now >= measureStart) {
                        cpuStart = mx.getCurrentThreadCpuTime();
                    }
                    op.run();
                    if (now >= measureStart) {
                        n++;
                    }
                }
                cpu.add(mx.getCurrentThreadCpuTime() - Math.max(0, cpuStart));
                count.add(n);
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        double secs = LIMIT_TIME.toNanos() / 1e9;
        return new Rate(threads, count.sum() / secs, count.sum(), secs, cpu.sum() / 1e6 / Math.max(1, count.sum()));
    }

    // (c) + (d): the service
    void measureService() throws Exception {
        TestHsm.get();
        TestDatabase db = TestDatabase.get();
        long t0 = System.nanoTime();
        List<String> jvm = new ArrayList<>(List.of(setting("bench.service-jvm-args", "-Xms1g -Xmx2g").split("\\s+")));
        if (JFR) {
            // JFR on, nothing recorded until jcmd starts a recording for one load point
            jvm.add("-XX:+FlightRecorder");
        }
        try (ServiceProcess svc = ServiceProcess.start(TestHsm.GOOD, SERVICE_CONFIG, Map.of(), jvm)) {
            svc.awaitReady(Duration.ofSeconds(180));
            serviceStartup = String.format("%.1f s", (System.nanoTime() - t0) / 1e9);
            say("service pid %d ready in %s (gRPC port %d)", svc.pid(), serviceStartup, svc.grpcPort);
            try (LoadGenerator lg = new LoadGenerator("localhost", svc.grpcPort, 4)) {
                say("service warmup %s", lg.run(new Config(Kind.UNARY, 16, SERVICE_WARMUP, Duration.ZERO, INFLIGHT, false, 0)));
                say("service warmup %s", lg.run(new Config(Kind.STREAM, 64, SERVICE_WARMUP, Duration.ZERO, INFLIGHT, false, 0)));
                floors = Floors.measure(lg, db, DURATION, WARMUP, MESSAGE_BYTES);
                say("floor: empty call p50 %.3f ms (p99 %.3f), one-row durable commit p50 %.3f ms (p99 %.3f), dual sign p50 %.3f ms (p99 %.3f): "
                        + "sum %.3f ms; storage limit %,.0f receipt rows/s (batches of %d, one writer); %s", floors.emptyCall().p50(), floors.emptyCall().p99(),
                        floors.commit().p50(), floors.commit().p99(), floors.dualSign().p50(), floors.dualSign().p99(), floors.sumP50(),
                        floors.storageRowsPerSecond(), floors.storageBatch(), floors.durability());
                List<String[]> series = new ArrayList<>();
                series.add(new String[] {"signed-unary", "UNARY", "false"});
                series.add(new String[] {"signed-stream", "STREAM", "false"});
                if (batchedMode != null) {
                    series.add(new String[] {"batched-unary", "UNARY", "true"});
                    series.add(new String[] {"batched-stream", "STREAM", "true"});
                }
                for (String[] s : series) {
                    for (int c : CONCURRENCY) {
                        point(svc, lg, s[0], new Config(Kind.valueOf(s[1]), c, DURATION, WARMUP, INFLIGHT, Boolean.parseBoolean(s[2]), 0));
                    }
                }
                // unary and streaming verify back to back at each concurrency, so the two are compared under the same background load
                for (int c : CONCURRENCY) {
                    point(svc, lg, "verify", new Config(Kind.VERIFY, c, DURATION, WARMUP, INFLIGHT, false, 0));
                    point(svc, lg, "verify-stream", new Config(Kind.VERIFY_STREAM, c, DURATION, WARMUP, INFLIGHT, false, 0));
                }
                // profiles: one seal point and one verify point, each recorded alone, outside the tables
                if (JFR) {
                    int pc = Integer.parseInt(setting("bench.jfr-concurrency", "16"));
                    profile(svc, "signed-unary-c" + pc, () -> lg.run(new Config(Kind.UNARY, pc, DURATION, WARMUP, INFLIGHT, false, 0)));
                    profile(svc, "verify-stream-c" + pc, () -> lg.run(new Config(Kind.VERIFY_STREAM, pc, DURATION, WARMUP, INFLIGHT, false, 0)));
                }
                storage(svc, lg, db, "per-seal signed", new Config(Kind.STREAM, STORAGE_CONCURRENCY, Duration.ofMinutes(10), Duration.ZERO, INFLIGHT,
                        false, STORAGE_SEALS));
                if (batchedMode != null) {
                    // the sustained batched run also measures its storage
                    int sc = Integer.parseInt(setting("bench.sustained-concurrency", "256"));
                    Storage s = storage(svc, lg, db, "batched (sustained)", new Config(Kind.STREAM, sc, SUSTAINED, Duration.ofSeconds(5), INFLIGHT, true, 0));
                    var lc = s.load().config(); // CPU is sampled over warm-up + window, like every point
                    double ops = Math.max(1, s.load().throughput() * (lc.warmup().plus(lc.duration()).toNanos() / 1e9));
                    sustained = new Point("batched-sustained", s.load(), (s.cpuAfter().service - s.cpuBefore().service) / 1e6 / ops,
                            (s.cpuAfter().client - s.cpuBefore().client) / 1e6 / ops, s.cpuAfter().busyFractionSince(s.cpuBefore()));
                    if (JFR) {
                        // at the sustained concurrency: where the batched target is judged
                        profile(svc, "batched-stream-c" + sc, () -> lg.run(new Config(Kind.STREAM, sc, DURATION, WARMUP, INFLIGHT, true, 0)));
                    }
                }
            }
        }
    }

    /** The service's settings for a run: quiet logs, and no scheduled integrity sweep (it would rebuild the whole log in the middle of a point). */
    static final Map<String, String> SERVICE_CONFIG = Map.of("quarkus.log.level", "WARN", "sealer.sweep.initial-delay", "24h");

    interface LoadPoint {
        Result run() throws Exception;
    }

    void point(ServiceProcess svc, LoadGenerator lg, String series, Config c) throws Exception {
        Cpu before = Cpu.sample(svc.pid());
        Result r = lg.run(c);
        Cpu after = Cpu.sample(svc.pid());
        double wall = c.warmup().plus(c.duration()).toNanos() / 1e9;
        double opsAll = Math.max(1, r.throughput() * wall); // CPU is sampled over warmup + window
        Point p = new Point(series, r, (after.service - before.service) / 1e6 / opsAll, (after.client - before.client) / 1e6 / opsAll,
                after.busyFractionSince(before));
        points.add(p);
        say("%-14s %s | CPU/op: service %.2f ms, client %.2f ms; machine busy %.0f%%", series, r, p.serviceCpuMsPerOp(), p.clientCpuMsPerOp(),
                100 * p.machineBusy());
    }

    Storage storage(ServiceProcess svc, LoadGenerator lg, TestDatabase db, String mode, Config c) throws Exception {
        Map<String, Long> before = relationSizes(db);
        long countBefore = receiptCount(db);
        Cpu cpuBefore = Cpu.sample(svc.pid());
        Result r = lg.run(c);
        Cpu cpuAfter = Cpu.sample(svc.pid());
        Map<String, Long> after = relationSizes(db);
        long countAfter = receiptCount(db);
        Map<String, Long> delta = new LinkedHashMap<>();
        before.forEach((k, v) -> delta.put(k, after.get(k) - v));
        long sumBefore = 0, sumAfter = 0;
        for (String t : TABLES) {
            sumBefore += before.get(t);
            sumAfter += after.get(t);
        }
        Storage s = new Storage(countAfter - countBefore, sumBefore, sumAfter, delta, r, mode, columnSizes(db), cpuBefore, cpuAfter);
        storage.add(s);
        say("storage %s: %s | %d new receipts, %,d bytes -> %.0f bytes/seal %s; avg column sizes %s", mode, r, s.seals(), s.bytesAfter() - s.bytesBefore(),
                s.bytesPerSeal(), delta, s.columns());
        return s;
    }

    static final String[] TABLES = {"receipts", "seal_signatures", "log_nodes", "checkpoints", "suites"};

    /** pg_total_relation_size of each table (heap + TOAST + indexes), plus the receipts split into those three (keys with a dot). */
    static Map<String, Long> relationSizes(TestDatabase db) throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String t : TABLES) {
                try (ResultSet rs = st.executeQuery("select pg_total_relation_size('" + t + "')")) {
                    rs.next();
                    m.put(t, rs.getLong(1));
                }
            }
            try (ResultSet rs = st.executeQuery("select pg_relation_size('receipts'), pg_indexes_size('receipts')")) {
                rs.next();
                m.put("receipts.heap", rs.getLong(1));
                m.put("receipts.indexes", rs.getLong(2));
                m.put("receipts.toast", m.get("receipts") - rs.getLong(1) - rs.getLong(2));
            }
        }
        return m;
    }

    /** Average stored size of each receipts column over the newest rows (pg_column_size: after compression). */
    static Map<String, Double> columnSizes(TestDatabase db) throws Exception {
        Map<String, Double> m = new LinkedHashMap<>();
        String[] cols = {"seal_id", "leaf_index", "committed_at", "row_mac", "suite_no", "digest_alg", "stage", "request_id", "subject", "signer",
                "digest", "labels", "parents", "sig_ed25519", "sig_ml_dsa"};
        StringBuilder q = new StringBuilder("select ");
        for (int i = 0; i < cols.length; i++) {
            q.append(i == 0 ? "" : ", ").append("avg(pg_column_size(").append(cols[i]).append("))");
        }
        q.append(" from (select r.*, g.sig_ed25519, g.sig_ml_dsa from receipts r left join seal_signatures g using (leaf_index) order by r.leaf_index desc limit 10000) r");
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q.toString())) {
            rs.next();
            for (int i = 0; i < cols.length; i++) {
                m.put(cols[i], rs.getDouble(i + 1));
            }
        }
        return m;
    }

    static long receiptCount(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from receipts")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs one load point with a JFR recording (profile settings) started and stopped around it with jcmd. */
    void profile(ServiceProcess svc, String name, LoadPoint load) throws Exception {
        Path file = OUT.resolve("service-" + name + ".jfr").toAbsolutePath();
        Files.deleteIfExists(file);
        jcmd(svc.pid(), "JFR.start", "name=" + name, "settings=profile", "filename=" + file);
        Result r = load.run();
        jcmd(svc.pid(), "JFR.stop", "name=" + name);
        say("profiled %s: %s -> %s", name, r, file);
        profiles.add(JfrSummary.summarise(name + " (" + r.toString().replaceAll("\\s+", " ") + ")", file));
    }

    static void jcmd(long pid, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** CPU time of the service process and this (client) process, and machine-wide busy/total jiffies. */
    record Cpu(long service, long client, long busy, long total) {
        static Cpu sample(long servicePid) {
            long svc = ProcessHandle.of(servicePid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
            long me = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
            long busy = 0, total = 0;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
                for (int i = 1; i < f.length && i <= 8; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) { // idle, iowait
                        busy += v;
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // not Linux: no machine figure
            }
            return new Cpu(svc, me, busy, total);
        }

        double busyFractionSince(Cpu before) {
            long t = total - before.total;
            return t == 0 ? Double.NaN : (double) (busy - before.busy) / t;
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    void say(String fmt, Object... args) {
        String line = String.format(Locale.ROOT, fmt, args);
        System.out.println(line);
        System.out.flush();
        log.add(line);
    }

    static String loadAvg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static String memory() {
        long bytes = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return String.format("%.0f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    static String utc(Instant i) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(i) + " UTC";
    }

    /**
     * The all-cores limit the targets are judged against: the higher of the two measurements (start and end of the
     * run), i.e. the stricter target; its CPU ms/op is the lower of the two.
     */
    Rate limit(String op) {
        Rate a = limits.get(op + "-" + NPROC);
        Rate b = limits.get(op + "-" + NPROC + "-after");
        if (b == null) {
            return a;
        }
        return new Rate(NPROC, Math.max(a.opsPerSecond(), b.opsPerSecond()), a.ops() + b.ops(), a.seconds() + b.seconds(),
                Math.min(a.cpuMsPerOp(), b.cpuMsPerOp()));
    }

    List<Point> series(String name) {
        return points.stream().filter(p -> p.series().equals(name)).toList();
    }

    /** The verify points of both series (unary Verify and VerifyStream): the verify target takes the better of them. */
    List<Point> verifyPoints() {
        return points.stream().filter(p -> p.series().equals("verify") || p.series().equals("verify-stream")).toList();
    }
}
