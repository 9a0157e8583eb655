package dev.sealer.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Aggregates {@code jdk.ExecutionSample} events of a JFR file (what {@code jfr print --events
 * jdk.ExecutionSample} shows one by one): the top-of-stack methods (self time), the share of samples
 * per part of the seal path (exclusive, by priority: see {@link #CATEGORIES}), and samples per thread.
 * Also runnable alone: {@code java -cp ... dev.sealer.bench.JfrSummary file.jfr}.
 */
final class JfrSummary {

    /**
     * Exclusive categories in priority order: a sample goes to the first category any of whose prefixes
     * matches some frame of its stack (so SHA-3 inside ML-DSA counts as ML-DSA, and a gRPC handler thread
     * that is signing counts as signing); shares add up to 100%.
     */
    static final Map<String, String[]> CATEGORIES = new LinkedHashMap<>();

    static {
        CATEGORIES.put("ML-DSA-65 sign/verify (JDK `sun.security.provider.ML_DSA`)", new String[] {"sun.security.provider.ML_DSA"});
        CATEGORIES.put("Ed25519 sign/verify (BouncyCastle)", new String[] {"org.bouncycastle.math.ec.rfc8032", "org.bouncycastle.math.ec.rfc7748"});
        CATEGORIES.put("PostgreSQL JDBC driver (incl. the group-commit thread's I/O)", new String[] {"org.postgresql"});
        CATEGORIES.put("receipt / seal bundle JSON (`core.json`, `SealBundle`)", new String[] {"dev.sealer.core.json", "dev.sealer.core.seal.SealBundle"});
        CATEGORIES.put("protobuf", new String[] {"com.google.protobuf"});
        CATEGORIES.put("rest of the Sealer code (`dev.sealer`)", new String[] {"dev.sealer"});
        CATEGORIES.put("gRPC / Netty / Vert.x transport, executor threads", new String[] {"io.grpc", "io.netty", "io.vertx", "org.jboss.threads"});
    }

    private JfrSummary() {
    }

    static BenchmarkRun.Profile summarise(String point, Path file) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> cats = new LinkedHashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> sealer = new HashMap<>();
        long samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = st.getFrames();
            RecordedFrame top = frames.getFirst();
            self.merge(name(top), 1L, Long::sum);
            String category = "other (JDK, Quarkus, ...)";
            outer:
            for (Map.Entry<String, String[]> c : CATEGORIES.entrySet()) {
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    for (String prefix : c.getValue()) {
                        if (n.startsWith(prefix)) {
                            category = c.getKey();
                            break outer;
                        }
                    }
                }
            }
            cats.merge(category, 1L, Long::sum);
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (n.startsWith("dev.sealer.")) {
                    sealer.merge(n, 1L, Long::sum);
                    break;
                }
            }
            var thread = e.getThread("sampledThread");
            String tn = thread == null ? "?" : thread.getJavaName();
            threads.merge(tn == null ? "?" : tn.replaceAll("[-#]?\\d+$", "-N").replaceAll("\\d+", "N"), 1L, Long::sum);
        }
        return new BenchmarkRun.Profile(point, file, samples, top(self, 15), top(cats, 20), top(threads, 8), top(sealer, 10));
    }

    static String name(RecordedFrame f) {
        var m = f.getMethod();
        return m.getType().getName() + "." + m.getName();
    }

    static List<Map.Entry<String, Long>> top(Map<String, Long> m, int n) {
        return m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n).map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }

    public static void main(String[] args) throws IOException {
        BenchmarkRun.Profile p = summarise(args[0], Path.of(args[0]));
        System.out.println(p.samples() + " execution samples");
        System.out.println("-- top of stack (self)");
        p.topSelf().forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / p.samples(), e.getKey()));
        System.out.println("-- by part (exclusive)");
        p.categories().forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / p.samples(), e.getKey()));
        System.out.println("-- innermost dev.sealer frame");
        p.sealerFrames().forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / p.samples(), e.getKey()));
        System.out.println("-- threads");
        p.threads().forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / p.samples(), e.getKey()));
    }
}
