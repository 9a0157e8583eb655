package dev.sealer.bench;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.sealer.grpc.v1.Digest;
import dev.sealer.grpc.v1.DigestAlgorithm;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Stage;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The overload measurement of issue 20, in one run against the packaged service: the unloaded p99 of a unary Seal
 * (one caller, one call at a time), then {@code overload.callers} (2,000) callers that each keep one unary Seal in flight
 * for {@code overload.seconds} (60 s, after {@code overload.warmup-seconds}, 10 s, of the same load whose latencies are
 * plotted but not counted) and, when shed, wait before the next call: the RetryInfo delay the answer carries,
 * doubled for each shed in a row (up to 64 times), with jitter (what docs/api.md tells a client to do); resident memory of the service before, during and after; and, at the end, every
 * acknowledged seal looked up in the database. Prints a report and writes {@code docs/reliability-overload.png}.
 * Run it with {@code bench/overload.sh}.
 */
public final class OverloadRun {
    static final int CALLERS = Integer.parseInt(BenchmarkRun.setting("overload.callers", "2000"));
    static final int CHANNELS = Integer.parseInt(BenchmarkRun.setting("overload.channels", Integer.toString((CALLERS + 79) / 80)));
    static final Duration LOAD = Duration.ofSeconds(Long.parseLong(BenchmarkRun.setting("overload.seconds", "60")));
    static final Duration LOAD_WARMUP = Duration.ofSeconds(Long.parseLong(BenchmarkRun.setting("overload.warmup-seconds", "10")));
    static final Duration UNLOADED = Duration.ofSeconds(Long.parseLong(BenchmarkRun.setting("overload.unloaded-seconds", "20")));
    static final Duration AFTER = Duration.ofSeconds(Long.parseLong(BenchmarkRun.setting("overload.after-seconds", "60")));
    static final String JVM = BenchmarkRun.setting("overload.service-jvm-args", "-Xms128m -Xmx1g -XX:+UseG1GC -XX:G1PeriodicGCInterval=5000");
    static final Path PNG = Path.of(BenchmarkRun.setting("overload.png", "docs/reliability-overload.png"));

    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong sequence = new AtomicLong();
    /** request id → seal id of every acknowledged seal. */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final List<long[]> timeline = new ArrayList<>(); // second, ok, shed, other, rss kB, p99 µs of that second
    private final Latencies admitted = Latencies.create();
    private Latencies second = Latencies.create();
    private final LongAdder ok = new LongAdder();
    private final LongAdder shed = new LongAdder();
    private final LongAdder other = new LongAdder();
    /** The service's own quantiles of admission-to-answer time, read from /q/metrics right after the load. */
    private List<String> inService = List.of();

    public static void main(String[] args) throws Exception {
        new OverloadRun().measure();
        System.exit(0);
    }

    SealRequest request() {
        byte[] d = new byte[32];
        ThreadLocalRandom.current().nextBytes(d);
        long n = sequence.incrementAndGet();
        return SealRequest.newBuilder().setRequestId("overload-" + run + "-" + n)
                .setDigest(Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(ByteString.copyFrom(d)))
                .setSubject("models/overload/model-" + (n % 1000) + "/weights.safetensors").setStage(Stage.TRAINING)
                .putLabels("team", "ml-platform").setCompact(true).build();
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    void measure() throws Exception {
        TestHsm.get();
        TestDatabase db = TestDatabase.get();
        Instant started = Instant.now();
        say("overload run %s on %d cores (%s); service JVM %s", BenchmarkRun.utc(started), BenchmarkRun.NPROC, BenchmarkRun.cpuModel(), JVM);
        Map<String, String> config = new TreeMap<>(BenchmarkRun.SERVICE_CONFIG);
        for (String kv : BenchmarkRun.setting("overload.service-config", "").split(",")) {
            if (kv.contains("=")) {
                config.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        say("service settings %s", config);
        try (ServiceProcess svc = ServiceProcess.start(TestHsm.GOOD, config, Map.of(), List.of(JVM.split("\\s+")))) {
            svc.awaitReady(Duration.ofSeconds(180));
            say("service pid %d ready (gRPC port %d)", svc.pid(), svc.grpcPort);
            LoadGenerator.Result unloaded;
            try (LoadGenerator lg = new LoadGenerator("localhost", svc.grpcPort, 1)) {
                say("warm-up %s", lg.run(new LoadGenerator.Config(LoadGenerator.Kind.UNARY, 16, Duration.ofSeconds(15), Duration.ZERO, 1, false, 0)));
                unloaded = lg.run(new LoadGenerator.Config(LoadGenerator.Kind.UNARY, 1, UNLOADED, Duration.ofSeconds(2), 1, false, 0));
                say("unloaded  %s", unloaded);
            }
            Thread.sleep(10_000); // the heap settles after the warm-up (periodic G1 collections give memory back)
            long rssBefore = rssKb(svc.pid());
            say("resident memory before the load: %,d kB", rssBefore);
            long peak = overload(svc);
            String metrics = svc.http("/q/metrics").getValue();
            inService = metrics.lines().filter(l -> l.startsWith("sealer_admission_unary_in_service_seconds{") && l.contains("quantile")).toList();
            // where the time and the sheds went, by the service's own counters
            metrics.lines().filter(l -> !l.startsWith("#") && (l.startsWith("sealer_commit_duration_seconds_sum") || l.startsWith("sealer_commit_duration_seconds_count")
                    || l.startsWith("sealer_commit_batch_size_seals_sum") || l.startsWith("sealer_commit_batch_size_seals_count")
                    || l.startsWith("sealer_commit_duration_seconds_max") || l.contains("shed_total"))).forEach(l -> say("metric %s", l));
            long rssAfter = settle(svc, AFTER);
            long stored = stored(db);
            report(unloaded, rssBefore, peak, rssAfter, stored);
            plot(unloaded, started);
        }
    }

    /** The load: {@link #CALLERS} callers, one call in flight each, for {@link #LOAD}. Returns the peak RSS in kB. */
    long overload(ServiceProcess svc) throws Exception {
        List<ManagedChannel> channels = new ArrayList<>();
        // as many connections as 2,000 callers on many client hosts would use (80 callers each): HTTP/2 bounds the calls one
        // connection carries at once (the server's SETTINGS_MAX_CONCURRENT_STREAMS), and calls beyond it wait in the
        // client's transport, unseen by the service, which would measure the client's queue instead of the service's
        for (int i = 0; i < CHANNELS; i++) {
            channels.add(ManagedChannelBuilder.forAddress("localhost", svc.grpcPort).usePlaintext().directExecutor().build());
        }
        ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        measureFrom = start + LOAD_WARMUP.toNanos();
        long end = measureFrom + LOAD.toNanos();
        for (int i = 0; i < CALLERS; i++) {
            SealServiceGrpc.SealServiceStub stub = SealServiceGrpc.newStub(channels.get(i % channels.size()));
            new Caller(stub, delays, end).next();
        }
        long peak = 0;
        for (int s = 1; System.nanoTime() < end + 5_000_000_000L; s++) {
            Thread.sleep(Math.max(0, (start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000));
            long rss = rssKb(svc.pid());
            peak = Math.max(peak, rss);
            sample(s, rss);
        }
        delays.shutdownNow();
        for (ManagedChannel ch : channels) {
            ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        return peak;
    }

    private long lastOk, lastShed, lastOther;

    private synchronized void sample(int s, long rss) {
        long o = ok.sum(), sh = shed.sum(), ot = other.sum();
        long p99 = second.count() == 0 ? 0 : (long) (second.percentileMillis(99) * 1000);
        timeline.add(new long[] {s, o - lastOk, sh - lastShed, ot - lastOther, rss, p99});
        say("t=%3ds admitted %,6d/s shed %,6d/s other %d, p99 of admitted %.1f ms, RSS %,d kB", s, o - lastOk, sh - lastShed, ot - lastOther,
                p99 / 1000.0, rss);
        lastOk = o;
        lastShed = sh;
        lastOther = ot;
        second = Latencies.create();
    }

    /** Answers before this instant are the load's own warm-up (the shed paths compiled under load): plotted, not in the p99. */
    private volatile long measureFrom = Long.MAX_VALUE;
    private final LongAdder measured = new LongAdder();

    private synchronized void admittedIn(long nanos) {
        if (System.nanoTime() >= measureFrom) {
            admitted.record(nanos);
            measured.increment();
        }
        second.record(nanos);
    }

    /** One caller: a unary Seal at a time; after OVERLOADED it waits the RetryInfo delay. */
    final class Caller implements StreamObserver<SealResponse> {
        final SealServiceGrpc.SealServiceStub stub;
        final ScheduledExecutorService delays;
        final long end;
        SealRequest req;
        long sent;
        int sheds; // OVERLOADED answers in a row

        Caller(SealServiceGrpc.SealServiceStub stub, ScheduledExecutorService delays, long end) {
            this.stub = stub;
            this.delays = delays;
            this.end = end;
        }

        void next() {
            if (System.nanoTime() >= end) {
                return;
            }
            req = request();
            sent = System.nanoTime();
            stub.withDeadlineAfter(30, TimeUnit.SECONDS).seal(req, this);
        }

        @Override
        public void onNext(SealResponse r) {
            sheds = 0;
            acknowledged.put(req.getRequestId(), r.getSeal().getSealId());
            admittedIn(System.nanoTime() - sent);
            ok.increment();
        }

        @Override
        public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            com.google.rpc.Status detail = StatusProto.fromThrowable(t);
            String reason = "";
            long retryMillis = 0;
            if (detail != null) {
                for (com.google.protobuf.Any any : detail.getDetailsList()) {
                    try {
                        if (any.is(ErrorInfo.class)) {
                            reason = any.unpack(ErrorInfo.class).getReason();
                        } else if (any.is(RetryInfo.class)) {
                            com.google.protobuf.Duration d = any.unpack(RetryInfo.class).getRetryDelay();
                            retryMillis = d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
                        }
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        reason = "undecodable detail";
                    }
                }
            }
            answers.computeIfAbsent(s.getCode() + " " + reason, k -> new LongAdder()).increment();
            if ("OVERLOADED".equals(reason)) {
                shed.increment();
                // the RetryInfo delay, doubled for each shed in a row up to 64 times it, with full jitter
                long ceiling = Math.max(1, retryMillis) << Math.min(sheds++, 6);
                delays.schedule(this::next, ThreadLocalRandom.current().nextLong(Math.max(1, retryMillis), ceiling + 1), TimeUnit.MILLISECONDS);
            } else {
                other.increment();
                delays.schedule(this::next, 100, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void onCompleted() {
            answers.computeIfAbsent("OK", k -> new LongAdder()).increment();
            next();
        }
    }

    /** Resident memory after the load, sampled each second for {@code d}; returns the last sample. */
    long settle(ServiceProcess svc, Duration d) throws InterruptedException {
        long rss = 0;
        int first = timeline.size();
        for (int s = 1; s <= d.toSeconds(); s++) {
            Thread.sleep(1000);
            rss = rssKb(svc.pid());
            sample(first + s, rss);
        }
        return rss;
    }

    /** How many of the acknowledged seals the database holds, with the seal id they were acknowledged with. */
    long stored(TestDatabase db) throws Exception {
        Map<String, String> found = new TreeMap<>();
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("select request_id, seal_id::text from receipts where request_id like ?")) {
            ps.setString(1, "overload-" + run + "-%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        long same = acknowledged.entrySet().stream().filter(e -> e.getValue().equals(found.get(e.getKey()))).count();
        say("acknowledged %,d; in the database with the same seal id %,d; rows of this run %,d", acknowledged.size(), same, found.size());
        return same;
    }

    void report(LoadGenerator.Result unloaded, long rssBefore, long peak, long rssAfter, long stored) {
        double p99 = admitted.percentileMillis(99);
        say("");
        say("| measurement | value |");
        say("|---|---|");
        say("| unloaded unary Seal (1 caller, %d s) | p50 %.2f ms, p99 **%.2f ms** |", UNLOADED.toSeconds(), unloaded.p50(), unloaded.p99());
        say("| load | %,d callers on %d connections, one unary Seal in flight each, %d s + %d s warm-up; a shed caller backs off from the RetryInfo delay (doubling, jitter) |",
                CALLERS, CHANNELS, LOAD.toSeconds(), LOAD_WARMUP.toSeconds());
        say("| admitted (acknowledged) after the load's %d s warm-up | %,d seals, %,.0f/s; p50 %.1f ms, p99 **%.1f ms**, max %.0f ms |",
                LOAD_WARMUP.toSeconds(), measured.sum(), measured.sum() / (double) LOAD.toSeconds(), admitted.percentileMillis(50), p99,
                admitted.maxMillis());
        say("| p99 admitted ÷ p99 unloaded | **%.1f** (limit 10) |", p99 / unloaded.p99());
        say("| acknowledged in all (warm-up included) | %,d |", ok.sum());
        say("| in the service, admission to answer (its own metric, last minute of the load) | %s |", String.join("; ", inService));
        say("| shed (OVERLOADED, with RetryInfo) | %,d |", shed.sum());
        say("| other answers | %s |", otherAnswers());
        say("| resident memory of the service | before %,d kB; peak %,d kB; %d s after %,d kB |", rssBefore, peak, AFTER.toSeconds(), rssAfter);
        say("| acknowledged seals in the database, same seal id | %,d of %,d |", stored, acknowledged.size());
    }

    String otherAnswers() {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(answers).forEach((k, v) -> {
            if (!k.equals("OK") && !k.endsWith("OVERLOADED")) {
                b.append(b.isEmpty() ? "" : ", ").append(k).append(" ").append(v.sum());
            }
        });
        return b.isEmpty() ? "none" : b.toString();
    }

    void plot(LoadGenerator.Result unloaded, Instant started) throws java.io.IOException {
        double[] t = timeline.stream().mapToDouble(r -> r[0]).toArray();
        java.awt.Color[] c = Plot.COLORS;
        Plot.timeSeries(PNG, String.format("Overload: %,d callers for %d s (the first %d s warm-up), then idle (%d cores, %s)", CALLERS,
                LOAD.plus(LOAD_WARMUP).toSeconds(), LOAD_WARMUP.toSeconds(), BenchmarkRun.NPROC,
                BenchmarkRun.utc(started)), List.of(
                new Plot.Panel("Answers per second", false, List.of(
                        new Plot.Series("admitted (acknowledged)", c[0], t, timeline.stream().mapToDouble(r -> r[1]).toArray(), false),
                        new Plot.Series("shed (OVERLOADED)", c[1], t, timeline.stream().mapToDouble(r -> r[2]).toArray(), false)), List.of()),
                new Plot.Panel("p99 of admitted seals, per second (ms)", false, List.of(
                        new Plot.Series("p99 admitted", c[0], t, timeline.stream().mapToDouble(r -> r[5] / 1000.0).toArray(), false)), List.of(
                        new Plot.Line(String.format("10 x unloaded p99 (%.1f ms)", 10 * unloaded.p99()), java.awt.Color.GRAY, 10 * unloaded.p99()))),
                new Plot.Panel("Service resident memory (MB)", false, List.of(
                        new Plot.Series("VmRSS", c[2], t, timeline.stream().mapToDouble(r -> r[4] / 1024.0).toArray(), false)), List.of())));
        say("plot: %s", PNG);
    }

    static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
