package dev.sealer.bench;

import com.google.protobuf.ByteString;
import dev.sealer.grpc.v1.Digest;
import dev.sealer.grpc.v1.DigestAlgorithm;
import dev.sealer.grpc.v1.TimestampRequest;
import dev.sealer.grpc.v1.TimestampServiceGrpc;
import dev.sealer.hsm.Pkcs11Hsm;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampRequestGenerator;

/**
 * Time-stamps per second through gRPC (TimestampService/Timestamp) and the RFC 3161 HTTP transport
 * (POST /tsa) of a packaged service, against the HSM's ECDSA P-256 signing limit measured in the
 * same run with the same key (SHA256withECDSA through SunPKCS11, in this process). Run by
 * {@code bench/tsa.sh}; settings: {@code -Dtsa.seconds} (5 per point), {@code -Dtsa.concurrency} (1,4,16).
 */
public final class TsaBenchmark {
    private TsaBenchmark() {
    }

    interface Op {
        void run() throws Exception;
    }

    static double rate(int threads, Duration d, Op op) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + d.toNanos();
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    try {
                        op.run();
                        done.incrementAndGet();
                    } catch (Exception e) {
                        if (failed.incrementAndGet() == 1) {
                            System.out.println("  first failure: " + e);
                        }
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failed.get() > 0) {
            System.out.println("  failures: " + failed.get());
        }
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    public static void main(String[] args) throws Exception {
        Duration point = Duration.ofSeconds(Long.getLong("tsa.seconds", 5));
        int[] concurrency = java.util.Arrays.stream(System.getProperty("tsa.concurrency", "1,4,16").split(",")).mapToInt(Integer::parseInt).toArray();
        int cores = Runtime.getRuntime().availableProcessors();
        TestDatabase.get();
        System.out.printf("== TSA benchmark %s, %d cores, %s s per point, load %s%n", java.time.Instant.now(), cores, point.toSeconds(),
                java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());

        // 1. the HSM limit: ECDSA P-256 signatures with the TSA key, in this process
        Pkcs11Hsm hsm = Pkcs11Hsm.open(TestHsm.get().config(TestHsm.GOOD));
        hsm.openTimestampKey("sealer-tsa-ec").orElseThrow();
        byte[] msg = new byte[200];
        rate(1, Duration.ofSeconds(2), () -> hsm.signTimestamp(msg)); // warm-up
        double hsm1 = rate(1, point, () -> hsm.signTimestamp(msg));
        double hsmN = rate(cores, point, () -> hsm.signTimestamp(msg));
        System.out.printf("HSM ECDSA P-256 sign (SunPKCS11 over SoftHSM2): 1 thread %.0f/s, %d threads %.0f/s%n", hsm1, cores, hsmN);
        hsm.close();

        try (ServiceProcess svc = ServiceProcess.start(TestHsm.GOOD, BenchmarkRun.SERVICE_CONFIG, Map.of(), List.of("-Xms512m", "-Xmx1g"))) {
            svc.awaitReady(Duration.ofSeconds(180));
            ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", svc.grpcPort).usePlaintext().build();
            var stub = TimestampServiceGrpc.newBlockingStub(channel);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest("bench".getBytes());
            TimestampRequest grpcReq = TimestampRequest.newBuilder().setCertReq(true)
                    .setDigest(Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(ByteString.copyFrom(digest))).build();
            TimeStampRequestGenerator gen = new TimeStampRequestGenerator();
            gen.setCertReq(true);
            byte[] httpReq = gen.generate(NISTObjectIdentifiers.id_sha256, digest, java.math.BigInteger.valueOf(42)).getEncoded();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://localhost:" + svc.httpPort + "/tsa");
            Op viaHttp = () -> {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/timestamp-query")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(httpReq)).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode());
                }
            };
            rate(4, Duration.ofSeconds(5), () -> stub.timestamp(grpcReq)); // service warm-up
            rate(4, Duration.ofSeconds(5), viaHttp);
            System.out.println("| transport | concurrency | timestamps/s | of the HSM limit (" + cores + " threads) |");
            System.out.println("|---|---|---|---|");
            for (int c : concurrency) {
                double g = rate(c, point, () -> stub.timestamp(grpcReq));
                System.out.printf("| gRPC | %d | %.0f | %.2fx |%n", c, g, g / hsmN);
            }
            for (int c : concurrency) {
                double h = rate(c, point, viaHttp);
                System.out.printf("| HTTP (RFC 3161) | %d | %.0f | %.2fx |%n", c, h, h / hsmN);
            }
            channel.shutdownNow();
            System.out.println("readiness after the run: " + svc.http("/q/health/ready").getValue().replaceAll("\\s+", ""));
        }
        System.out.printf("== done, load %s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
        System.exit(0);
    }
}
