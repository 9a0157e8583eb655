package dev.sealer.bench;

import dev.sealer.bench.LoadGenerator.Config;
import dev.sealer.bench.LoadGenerator.Kind;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One or a few load points against a fresh packaged service, for trying a setting quickly
 * (not the benchmark of record: that is {@code bench/run.sh}). Arguments:
 * {@code kind:concurrency[:batched] ... [-Dsetting=value for the service ...]}, e.g.
 * {@code stream:64:batched stream:256:batched -Dsealer.log.anchored-max-delay=PT0.002S}.
 * Run with the classpath bench/run.sh builds: {@code java -cp "target/test-classes:target/classes:$(cat
 * target/bench/cp.txt)" dev.sealer.bench.QuickPoint ...}.
 */
public final class QuickPoint {
    private QuickPoint() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props = new HashMap<>(BenchmarkRun.SERVICE_CONFIG);
        for (String a : args) {
            if (a.startsWith("-D")) {
                String[] kv = a.substring(2).split("=", 2);
                props.put(kv[0], kv[1]);
            }
        }
        TestDatabase.get();
        Duration seconds = Duration.ofSeconds(Long.getLong("quick.seconds", 10));
        List<String> jvm = new java.util.ArrayList<>(List.of("-Xms1g", "-Xmx2g"));
        if (System.getProperty("quick.jfr") != null) { // -Dquick.jfr=FILE: record the whole service run
            jvm.add("-XX:StartFlightRecording=settings=profile,filename=" + System.getProperty("quick.jfr"));
        }
        try (ServiceProcess svc = ServiceProcess.start(TestHsm.GOOD, props, Map.of(), jvm)) {
            svc.awaitReady(Duration.ofSeconds(180));
            try (LoadGenerator lg = new LoadGenerator("localhost", svc.grpcPort, 4)) {
                lg.run(new Config(Kind.STREAM, 64, Duration.ofSeconds(5), Duration.ZERO, 16, true, 0)); // warm-up
                for (String a : args) {
                    if (a.startsWith("-D")) {
                        continue;
                    }
                    if (a.equals("floors")) { // the floor of one seal and the storage limit (Floors), on this service's database
                        Floors f = Floors.measure(lg, TestDatabase.get(), seconds, Duration.ofSeconds(2), BenchmarkRun.MESSAGE_BYTES);
                        System.out.printf("floors: empty call p50 %.3f ms p99 %.3f; commit p50 %.3f p99 %.3f (%d); dual sign p50 %.3f p99 %.3f; "
                                + "sum %.3f ms; storage limit %,.0f rows/s (batches of %d); %s%n", f.emptyCall().p50(), f.emptyCall().p99(), f.commit().p50(),
                                f.commit().p99(), f.commit().count(), f.dualSign().p50(), f.dualSign().p99(), f.sumP50(), f.storageRowsPerSecond(),
                                f.storageBatch(), f.durability());
                        continue;
                    }
                    String[] p = a.split(":");
                    Config c = new Config(Kind.valueOf(p[0].toUpperCase()), Integer.parseInt(p[1]), seconds, Duration.ofSeconds(2), 16,
                            p.length > 2 && p[2].equals("batched"), 0);
                    BenchmarkRun.Cpu before = BenchmarkRun.Cpu.sample(svc.pid());
                    LoadGenerator.Result r = lg.run(c);
                    BenchmarkRun.Cpu after = BenchmarkRun.Cpu.sample(svc.pid());
                    double ops = Math.max(1, r.throughput() * (c.warmup().plus(c.duration()).toNanos() / 1e9));
                    System.out.printf("%s %s -> %s | service CPU %.3f ms/op, client %.3f ms/op, machine busy %.0f%%%n", a, props, r,
                            (after.service() - before.service()) / 1e6 / ops, (after.client() - before.client()) / 1e6 / ops,
                            100 * after.busyFractionSince(before));
                    if (Boolean.getBoolean("quick.metrics")) { // -Dquick.metrics=true: the service's own timers after the point (cumulative)
                        svc.http("/q/metrics").getValue().lines().filter(l -> !l.startsWith("#") && l.startsWith("sealer_")
                                && (l.contains("_seconds_sum") || l.contains("_seconds_count") || l.contains("_seconds_max") || l.contains("quantile")
                                        || l.contains("batch_size_sum") || l.contains("batch_size_count")))
                                .forEach(l -> System.out.println("  " + l));
                    }
                }
            }
        }
        System.exit(0);
    }
}
