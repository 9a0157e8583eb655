package dev.sealer.bench;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import dev.sealer.dev.DevToken;
import dev.sealer.dev.EmbeddedDatabase;
import dev.sealer.grpc.v1.Digest;
import dev.sealer.grpc.v1.DigestAlgorithm;
import dev.sealer.grpc.v1.GetConsistencyProofRequest;
import dev.sealer.grpc.v1.GetInclusionProofRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.RotateSuiteRequest;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Stage;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The soak of issue 20, outside the test suite: the packaged service on a token and database of its own, under a
 * mixed load for {@code soak.minutes} (30): unary seals (SIGNED and ANCHORED), one SealStream with 16 in flight,
 * unary Verify of earlier seals, inclusion and consistency proofs, a suite rotation every {@code soak.rotate-minutes}
 * (5); PostgreSQL stopped for 5 s at a third of the run and the HSM token taken away for 5 s at two thirds. Every
 * {@code soak.sample-seconds} (10) it records answers, errors by reason, p99 per kind, the service's resident memory
 * and readiness; at the end every acknowledged seal is looked up in the database. Writes a CSV to target/bench, the
 * plot {@code docs/reliability-soak.png}, and prints a summary for docs/reliability.md. Run it with {@code bench/soak.sh}.
 */
public final class SoakRun {
    static final Duration RUN = Duration.ofMinutes(Long.parseLong(BenchmarkRun.setting("soak.minutes", "30")));
    static final Duration ROTATE = Duration.ofSeconds((long) (60 * Double.parseDouble(BenchmarkRun.setting("soak.rotate-minutes", "5"))));
    static final Duration SAMPLE = Duration.ofSeconds(Long.parseLong(BenchmarkRun.setting("soak.sample-seconds", "10")));
    static final Duration OUTAGE = Duration.ofSeconds(Long.parseLong(BenchmarkRun.setting("soak.outage-seconds", "5")));
    static final int SEALERS = Integer.parseInt(BenchmarkRun.setting("soak.sealers", "4"));
    static final int VERIFIERS = Integer.parseInt(BenchmarkRun.setting("soak.verifiers", "2"));
    static final String JVM = BenchmarkRun.setting("soak.service-jvm-args", "-Xms128m -Xmx1g -XX:+UseG1GC -XX:G1PeriodicGCInterval=5000");
    static final Path PNG = Path.of(BenchmarkRun.setting("soak.png", "docs/reliability-soak.png"));
    static final String LABEL = "sealer-soak";

    enum Kind {
        SEAL, STREAM, VERIFY, PROOF, ROTATE
    }

    /** Answers of one kind in the current interval, and in the whole run. */
    static final class Stats {
        final LongAdder ok = new LongAdder();
        long okTotal;
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final Map<String, Long> errorsTotal = new TreeMap<>();
        Latencies interval = Latencies.create();
        final Latencies all = Latencies.create();

        synchronized void ok(long nanos) {
            ok.increment();
            interval.record(nanos);
            all.record(nanos);
        }

        /** The first description seen for each kind of error, for the report. */
        final Map<String, String> firstDetail = new ConcurrentHashMap<>();

        void error(String what) {
            errors.computeIfAbsent(what, k -> new LongAdder()).increment();
        }

        void error(Throwable t) {
            String what = reason(t);
            firstDetail.putIfAbsent(what, String.valueOf(Status.fromThrowable(t).getDescription()));
            error(what);
        }
    }

    record Sealed(String sealId, ByteString digest) {
    }

    private final Map<Kind, Stats> stats = new EnumMap<>(Kind.class);
    private final AtomicReferenceArray<Sealed> recent = new AtomicReferenceArray<>(65_536);
    private final AtomicLong recentCount = new AtomicLong();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> events = new ArrayList<>();
    private final List<Plot.Mark> marks = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();
    private long start;

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--replot")) {
            replot(Path.of(args[1]), Path.of(args[2]));
        } else {
            new SoakRun().soak();
        }
        System.exit(0);
    }

    /** Draws the plot again from a run's CSV and its printed log (the events and the start), without running the soak. */
    static void replot(Path csv, Path log) throws IOException {
        SoakRun r = new SoakRun();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            r.rows.add(java.util.Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
        }
        String started = "";
        for (String line : Files.readAllLines(log)) {
            var m = java.util.regex.Pattern.compile("^EVENT t=(\\d+)s (.*)$").matcher(line);
            if (m.matches()) {
                r.marks.add(mark(m.group(2), Double.parseDouble(m.group(1))));
            } else if (line.startsWith("soak ") && started.isEmpty()) {
                started = line.substring(5, line.indexOf(':', 5 + 14));
            }
        }
        r.plot(started);
    }

    SoakRun() {
        for (Kind k : Kind.values()) {
            stats.put(k, new Stats());
        }
    }

    void soak() throws Exception {
        TestDatabase db = TestDatabase.get();
        EmbeddedDatabase pg = db.embedded().orElseThrow(() -> new IllegalStateException("the soak stops and starts the embedded PostgreSQL"));
        Path store = Files.createTempDirectory("sealer-soak-hsm-");
        DevToken token = DevToken.createIfMissing(store, LABEL);
        Path tokenDir;
        try (Stream<Path> dirs = Files.list(store.resolve("tokens"))) {
            tokenDir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String dbUrl = db.newDatabase("sealer_soak");
        Instant started = Instant.now();
        say("soak %s: %d min on %d cores (%s); service JVM %s", BenchmarkRun.utc(started), RUN.toMinutes(), BenchmarkRun.NPROC, BenchmarkRun.cpuModel(), JVM);
        try (ServiceProcess svc = ServiceProcess.start(LABEL, Map.of("sealer.hsm.pin-file", token.pinFile().toString(), "sealer.hsm.probe-interval", "1s",
                "sealer.hsm.recovery-backoff-max", "PT2S", "quarkus.log.level", "WARN"), Map.of("SOFTHSM2_CONF", token.softhsmConf().toString(),
                "SEALER_DB_URL", dbUrl), List.of(JVM.split("\\s+")))) {
            svc.awaitReady(Duration.ofSeconds(180));
            say("service pid %d ready (gRPC port %d)", svc.pid(), svc.grpcPort);
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", svc.grpcPort).usePlaintext().build();
            start = System.nanoTime();
            long end = start + RUN.toNanos();
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < SEALERS; i++) {
                workers.add(Thread.ofPlatform().name("soak-seal-" + i).start(() -> sealer(ch)));
            }
            workers.add(Thread.ofPlatform().name("soak-stream").start(() -> streamer(ch)));
            for (int i = 0; i < VERIFIERS; i++) {
                workers.add(Thread.ofPlatform().name("soak-verify-" + i).start(() -> verifier(ch)));
            }
            workers.add(Thread.ofPlatform().name("soak-proof").start(() -> prover(ch)));
            long nextRotation = start + ROTATE.toNanos();
            long pgAt = start + RUN.toNanos() / 3;
            long hsmAt = start + 2 * RUN.toNanos() / 3;
            boolean pgDone = false, hsmDone = false;
            long nextSample = start + SAMPLE.toNanos();
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (now >= nextSample) {
                    sample(svc);
                    nextSample += SAMPLE.toNanos();
                }
                if (now >= nextRotation) {
                    rotate(ch);
                    nextRotation += ROTATE.toNanos();
                }
                if (!pgDone && now >= pgAt) {
                    pgDone = true;
                    event("PostgreSQL stopped");
                    pg.stopServer();
                    Thread.sleep(OUTAGE.toMillis());
                    pg.startServer();
                    event("PostgreSQL started again");
                }
                if (!hsmDone && now >= hsmAt) {
                    hsmDone = true;
                    Path away = store.resolve("away-" + tokenDir.getFileName());
                    event("HSM token taken away");
                    Files.move(tokenDir, away);
                    Thread.sleep(OUTAGE.toMillis());
                    Files.move(away, tokenDir);
                    event("HSM token back");
                }
                Thread.sleep(Math.max(1, Math.min(nextSample, nextRotation) - System.nanoTime()) / 1_000_000 + 1);
            }
            stop.set(true);
            for (Thread t : workers) {
                t.join(60_000);
            }
            sample(svc);
            ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            long stored = stored(db);
            report(stored);
            writeCsv();
            plot(BenchmarkRun.utc(started));
        }
    }

    // ---- load ---------------------------------------------------------------------------------------------------

    SealRequest request(SealMode mode) {
        byte[] d = new byte[32];
        ThreadLocalRandom.current().nextBytes(d);
        long n = sequence.incrementAndGet();
        return SealRequest.newBuilder().setRequestId("soak-" + run + "-" + n)
                .setDigest(Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(ByteString.copyFrom(d)))
                .setSubject("models/soak/model-" + (n % 500) + "/weights.safetensors").setStage(Stage.TRAINING).setMode(mode)
                .putLabels("team", "ml-platform").setCompact(true).build();
    }

    void acknowledge(SealRequest req, SealResponse r) {
        acknowledged.put(req.getRequestId(), r.getSeal().getSealId());
        long i = recentCount.getAndIncrement();
        recent.set((int) (i % recent.length()), new Sealed(r.getSeal().getSealId(), req.getDigest().getValue()));
    }

    Sealed anySealed() {
        long n = Math.min(recentCount.get(), recent.length());
        return n == 0 ? null : recent.get((int) ThreadLocalRandom.current().nextLong(n));
    }

    static String reason(Throwable t) {
        Status s = Status.fromThrowable(t);
        com.google.rpc.Status detail = StatusProto.fromThrowable(t);
        String reason = "";
        if (detail != null) {
            for (com.google.protobuf.Any any : detail.getDetailsList()) {
                if (any.is(ErrorInfo.class)) {
                    try {
                        reason = any.unpack(ErrorInfo.class).getReason();
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        reason = "undecodable ErrorInfo";
                    }
                }
            }
        }
        return s.getCode() + (reason.isEmpty() ? "" : " " + reason);
    }

    void sealer(ManagedChannel ch) {
        SealServiceGrpc.SealServiceBlockingStub stub = SealServiceGrpc.newBlockingStub(ch);
        for (int i = 0; !stop.get(); i++) {
            SealRequest req = request(i % 2 == 0 ? SealMode.SIGNED : SealMode.ANCHORED);
            long t0 = System.nanoTime();
            try {
                SealResponse r = stub.withDeadlineAfter(20, TimeUnit.SECONDS).seal(req);
                stats.get(Kind.SEAL).ok(System.nanoTime() - t0);
                acknowledge(req, r);
            } catch (RuntimeException e) {
                stats.get(Kind.SEAL).error(e);
                pause(100);
            }
        }
    }

    /** One SealStream at a time with up to 16 items in flight; a stream that fails is counted and replaced. */
    void streamer(ManagedChannel ch) {
        SealServiceGrpc.SealServiceStub stub = SealServiceGrpc.newStub(ch);
        while (!stop.get()) {
            Semaphore window = new Semaphore(16);
            java.util.concurrent.ConcurrentLinkedQueue<long[]> sentAt = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.ConcurrentLinkedQueue<SealRequest> sent = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            AtomicBoolean failed = new AtomicBoolean();
            StreamObserver<SealRequest> out = stub.withDeadlineAfter(RUN.toSeconds() + 120, TimeUnit.SECONDS).sealStream(new StreamObserver<>() {
                @Override
                public void onNext(SealResponse r) {
                    long[] t = sentAt.poll();
                    SealRequest req = sent.poll();
                    stats.get(Kind.STREAM).ok(System.nanoTime() - t[0]);
                    acknowledge(req, r);
                    window.release();
                }

                @Override
                public void onError(Throwable t) {
                    stats.get(Kind.STREAM).error(t);
                    failed.set(true);
                    window.release(16);
                    done.countDown();
                }

                @Override
                public void onCompleted() {
                    done.countDown();
                }
            });
            try {
                for (int i = 0; !stop.get() && !failed.get(); i++) {
                    if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                        continue;
                    }
                    if (failed.get()) {
                        break;
                    }
                    SealRequest req = request(i % 2 == 0 ? SealMode.SIGNED : SealMode.ANCHORED);
                    synchronized (out) {
                        sent.add(req);
                        sentAt.add(new long[] {System.nanoTime()});
                        out.onNext(req);
                    }
                }
                if (!failed.get()) {
                    out.onCompleted();
                }
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                stats.get(Kind.STREAM).error("client " + e.getClass().getSimpleName());
            }
            if (failed.get()) {
                pause(200);
            }
        }
    }

    void verifier(ManagedChannel ch) {
        SealServiceGrpc.SealServiceBlockingStub stub = SealServiceGrpc.newBlockingStub(ch);
        while (!stop.get()) {
            Sealed s = anySealed();
            if (s == null) {
                pause(100);
                continue;
            }
            long t0 = System.nanoTime();
            try {
                VerifyResponse r = stub.withDeadlineAfter(20, TimeUnit.SECONDS).verify(VerifyRequest.newBuilder().setSealId(s.sealId())
                        .setDigest(Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(s.digest())).build());
                if (r.getVerdict() == Verdict.VALID) {
                    stats.get(Kind.VERIFY).ok(System.nanoTime() - t0);
                } else {
                    stats.get(Kind.VERIFY).error("verdict " + r.getVerdict() + " " + r.getReason());
                }
            } catch (RuntimeException e) {
                stats.get(Kind.VERIFY).error(e);
                pause(100);
            }
        }
    }

    void prover(ManagedChannel ch) {
        LogServiceGrpc.LogServiceBlockingStub stub = LogServiceGrpc.newBlockingStub(ch);
        long earlierSize = 0;
        while (!stop.get()) {
            Sealed s = anySealed();
            if (s == null) {
                pause(100);
                continue;
            }
            long t0 = System.nanoTime();
            try {
                var anchor = stub.withDeadlineAfter(20, TimeUnit.SECONDS).getInclusionProof(GetInclusionProofRequest.newBuilder().setSealId(s.sealId()).build());
                long size = anchor.getTreeSize();
                if (earlierSize > 0 && earlierSize < size) {
                    stub.withDeadlineAfter(20, TimeUnit.SECONDS).getConsistencyProof(GetConsistencyProofRequest.newBuilder().setFromSize(earlierSize).setToSize(size).build());
                }
                earlierSize = size;
                stats.get(Kind.PROOF).ok(System.nanoTime() - t0);
            } catch (RuntimeException e) {
                stats.get(Kind.PROOF).error(e);
                pause(100);
            }
            pause(20);
        }
    }

    void rotate(ManagedChannel ch) {
        long t0 = System.nanoTime();
        try {
            var r = KeyServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).rotateSuite(RotateSuiteRequest.getDefaultInstance());
            stats.get(Kind.ROTATE).ok(System.nanoTime() - t0);
            event("rotated to " + r.getActiveSuiteId());
        } catch (RuntimeException e) {
            stats.get(Kind.ROTATE).error(e);
            event("rotation failed: " + reason(e));
        }
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- recording ----------------------------------------------------------------------------------------------

    double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    synchronized void event(String what) {
        double t = elapsed();
        String line = String.format("t=%.0fs %s", t, what);
        events.add(line);
        marks.add(mark(what, Math.round(t)));
        say("EVENT %s", line);
    }

    /** An event as the plot marks it (a rotation by its kind only: suite ids do not fit). */
    static Plot.Mark mark(String event, double t) {
        return new Plot.Mark(event.startsWith("rotated") ? "rotation" : event, t);
    }

    /** One row: t, then per kind ok/s, errors, p99 ms; then RSS MB and readiness. */
    void sample(ServiceProcess svc) {
        double t = elapsed();
        double secs = SAMPLE.toNanos() / 1e9;
        List<Double> row = new ArrayList<>(List.of(t));
        StringBuilder line = new StringBuilder(String.format("t=%5.0fs", t));
        for (Kind k : Kind.values()) {
            Stats s = stats.get(k);
            long ok;
            long errors = 0;
            double p99;
            synchronized (s) {
                ok = s.ok.sumThenReset();
                s.okTotal += ok;
                p99 = s.interval.count() == 0 ? 0 : s.interval.percentileMillis(99);
                s.interval = Latencies.create();
                for (Map.Entry<String, LongAdder> e : s.errors.entrySet()) {
                    long n = e.getValue().sumThenReset();
                    errors += n;
                    s.errorsTotal.merge(e.getKey(), n, Long::sum);
                }
            }
            row.addAll(List.of(ok / secs, (double) errors, p99));
            if (k != Kind.ROTATE) {
                line.append(String.format(" | %s %,.0f/s err %d p99 %.1fms", k.name().toLowerCase(), ok / secs, errors, p99));
            }
        }
        long rss = OverloadRun.rssKb(svc.pid());
        int ready;
        try {
            ready = svc.http("/q/health/ready").getKey();
        } catch (IOException | InterruptedException e) {
            ready = -1;
        }
        row.add(rss / 1024.0);
        row.add((double) ready);
        line.append(String.format(" | RSS %,d MB ready %d", rss / 1024, ready));
        synchronized (rows) {
            rows.add(row.stream().mapToDouble(Double::doubleValue).toArray());
        }
        say("%s", line);
    }

    long stored(TestDatabase db) throws Exception {
        Map<String, String> found = new java.util.HashMap<>();
        try (Connection c = java.sql.DriverManager.getConnection(db.serviceUrl("sealer_soak"), db.username(), db.password());
                PreparedStatement ps = c.prepareStatement("select request_id, seal_id::text from receipts where request_id like ?")) {
            ps.setString(1, "soak-" + run + "-%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return acknowledged.entrySet().stream().filter(e -> e.getValue().equals(found.get(e.getKey()))).count();
    }

    void report(long stored) {
        say("");
        say("| kind | answered | p50 ms | p99 ms | max ms | errors (by answer) |");
        say("|---|---:|---:|---:|---:|---|");
        for (Kind k : Kind.values()) {
            Stats s = stats.get(k);
            StringBuilder errs = new StringBuilder();
            s.errorsTotal.forEach((r, n) -> {
                if (n > 0) {
                    errs.append(errs.isEmpty() ? "" : ", ").append(r).append(" ").append(n);
                }
            });
            say("| %s | %,d | %.1f | %.1f | %.0f | %s |", k.name().toLowerCase(), s.okTotal, s.all.count() == 0 ? 0 : s.all.percentileMillis(50),
                    s.all.count() == 0 ? 0 : s.all.percentileMillis(99), s.all.count() == 0 ? 0 : s.all.maxMillis(), errs.isEmpty() ? "none" : errs);
        }
        say("");
        say("first description of each error:");
        for (Kind k : Kind.values()) {
            new TreeMap<>(stats.get(k).firstDetail).forEach((r, d) -> say("  %s %s: %s", k.name().toLowerCase(), r, d));
        }
        double[] rss = rows.stream().mapToDouble(r -> r[r.length - 2]).toArray();
        say("");
        say("resident memory of the service: first sample %.0f MB, max %.0f MB, last %.0f MB", rss[0], java.util.Arrays.stream(rss).max().orElse(0),
                rss[rss.length - 1]);
        say("acknowledged seals %,d; in the database with the seal id they were acknowledged with: %,d", acknowledged.size(), stored);
        say("events:");
        events.forEach(e -> say("  %s", e));
    }

    void writeCsv() throws IOException {
        Path csv = Path.of("target/bench/soak-" + run + ".csv");
        Files.createDirectories(csv.getParent());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
            StringBuilder h = new StringBuilder("t_seconds");
            for (Kind k : Kind.values()) {
                String n = k.name().toLowerCase();
                h.append(",").append(n).append("_ok_per_s,").append(n).append("_errors,").append(n).append("_p99_ms");
            }
            w.println(h.append(",rss_mb,readiness"));
            for (double[] r : rows) {
                w.println(java.util.Arrays.stream(r).mapToObj(v -> String.format(java.util.Locale.ROOT, "%.2f", v)).collect(java.util.stream.Collectors.joining(",")));
            }
        }
        say("csv: %s", csv);
    }

    void plot(String started) throws IOException {
        double[] t = rows.stream().mapToDouble(r -> r[0]).toArray();
        List<Plot.Series> rate = new ArrayList<>(), p99 = new ArrayList<>(), errors = new ArrayList<>();
        Kind[] shown = {Kind.SEAL, Kind.STREAM, Kind.VERIFY, Kind.PROOF};
        for (int i = 0; i < shown.length; i++) {
            int col = 1 + 3 * shown[i].ordinal();
            String name = shown[i].name().toLowerCase();
            java.awt.Color c = Plot.COLORS[i];
            rate.add(new Plot.Series(name, c, t, rows.stream().mapToDouble(r -> r[col]).toArray(), false));
            errors.add(new Plot.Series(name, c, t, rows.stream().mapToDouble(r -> r[col + 1]).toArray(), false));
            p99.add(new Plot.Series(name, c, t, rows.stream().mapToDouble(r -> r[col + 2]).toArray(), false));
        }
        double[] rss = rows.stream().mapToDouble(r -> r[r.length - 2]).toArray();
        Plot.timeSeries(PNG, String.format("Soak: %.0f min of mixed load, rotation every %s, PostgreSQL stop at 1/3, HSM token away at 2/3 (%d cores, %s)",
                t[t.length - 1] / 60, ROTATE.toMinutes() + " min", BenchmarkRun.NPROC, started), List.of(
                new Plot.Panel("Answers per second, per " + SAMPLE.toSeconds() + " s interval", false, rate, List.of()),
                new Plot.Panel("p99 latency per interval (ms, log scale)", true, p99, List.of()),
                new Plot.Panel("Errors per interval", false, errors, List.of()),
                new Plot.Panel("Service resident memory (MB)", false, List.of(new Plot.Series("VmRSS", Plot.COLORS[4], t, rss, false)), List.of())),
                marks);
        say("plot: %s", PNG);
    }

    static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
