package dev.sealer.bench;

import dev.sealer.bench.LoadGenerator.Config;
import dev.sealer.bench.LoadGenerator.Kind;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.evidence.EvidencePackage;
import dev.sealer.core.evidence.EvidenceVerifier;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.grpc.v1.AuditServiceGrpc;
import dev.sealer.grpc.v1.EvidenceReason;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.MaterializeEvidenceRequest;
import dev.sealer.grpc.v1.MaterializeEvidenceResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.TimeRange;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Evidence packages, measured (bench/evidence.sh): a fresh packaged service is filled with
 * {@code -Devidence.seals} seals (default 1,000,000, batched SealStream), then
 * MaterializeEvidence for one seal and for a 1,000-seal query page (p50/p95), and the offline
 * verification rate of a 1,000-seal package against the dual-verify limit measured in the same
 * run (the same receipts' Ed25519 + ML-DSA verifications alone, one thread).
 */
public final class EvidenceBenchmark {
    private EvidenceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long seals = Long.getLong("evidence.seals", 1_000_000);
        int singles = Integer.getInteger("evidence.single-calls", 50);
        int pages = Integer.getInteger("evidence.page-calls", 10);
        TestDatabase.get();
        try (ServiceProcess svc = ServiceProcess.start(TestHsm.GOOD, BenchmarkRun.SERVICE_CONFIG, Map.of(), List.of("-Xms1g", "-Xmx2g"))) {
            svc.awaitReady(Duration.ofSeconds(180));
            long t0 = System.nanoTime();
            try (LoadGenerator lg = new LoadGenerator("localhost", svc.grpcPort, 4)) {
                // the first 1,000 SIGNED (the page measured and verified offline), the rest batched (ANCHORED)
                LoadGenerator.Result signed = lg.run(new Config(Kind.STREAM, 16, Duration.ofHours(2), Duration.ZERO, 16, false, 1000));
                LoadGenerator.Result fill = lg.run(new Config(Kind.STREAM, 64, Duration.ofHours(2), Duration.ZERO, 16, true, Math.max(0, seals - 1000)));
                System.out.printf("filled: %s + %s in %.0f s%n", signed, fill, (System.nanoTime() - t0) / 1e9);
            }
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", svc.grpcPort).usePlaintext().maxInboundMessageSize(EvidencePackage.MAX_BYTES).build();
            try {
                var audit = AuditServiceGrpc.newBlockingStub(ch).withMaxInboundMessageSize(EvidencePackage.MAX_BYTES);
                var list = SealServiceGrpc.newBlockingStub(ch).listSeals(ListSealsRequest.newBuilder().setCommitted(TimeRange.newBuilder()
                        .setFrom(com.google.protobuf.Timestamp.newBuilder().setSeconds(0)).setTo(com.google.protobuf.Timestamp.newBuilder()
                                .setSeconds(4_000_000_000L))).setPageSize(1000).build());
                Thread.sleep(2_000); // the last seals' checkpoint
                double[] one = new double[singles];
                for (int i = 0; i < singles; i++) {
                    String id = list.getSeals(ThreadLocalRandom.current().nextInt(list.getSealsCount())).getSealId();
                    long s = System.nanoTime();
                    audit.materializeEvidence(MaterializeEvidenceRequest.newBuilder().setSealId(id).setReason(EvidenceReason.EVIDENCE_REASON_AUDIT).build());
                    one[i] = (System.nanoTime() - s) / 1e6;
                }
                double[] page = new double[pages];
                MaterializeEvidenceResponse first = null;
                MaterializeEvidenceResponse last = null;
                String token = "";
                for (int i = 0; i < pages; i++) {
                    long s = System.nanoTime();
                    last = audit.materializeEvidence(MaterializeEvidenceRequest.newBuilder().setCommitted(TimeRange.newBuilder()
                            .setFrom(com.google.protobuf.Timestamp.newBuilder().setSeconds(0)).setTo(com.google.protobuf.Timestamp.newBuilder()
                                    .setSeconds(4_000_000_000L))).setPageSize(1000).setPageToken(token).setReason(EvidenceReason.EVIDENCE_REASON_AUDIT).build());
                    page[i] = (System.nanoTime() - s) / 1e6;
                    first = first == null ? last : first;
                    token = last.getNextPageToken();
                }
                TrustBundle trust = TrustBundle.parse(KeyServiceGrpc.newBlockingStub(ch).getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
                byte[] file = first.getPackageJson().toByteArray(); // the 1,000 SIGNED seals
                EvidenceVerifier.Report warm = EvidenceVerifier.verify(file, trust);
                if (!warm.allValid()) {
                    throw new IllegalStateException("the benchmark's package does not verify: " + warm.packageVerdict());
                }
                int rounds = 3;
                long vs = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    EvidenceVerifier.verify(file, trust);
                }
                double verifyRate = rounds * warm.seals().size() / ((System.nanoTime() - vs) / 1e9);
                // the limit: the same seals' dual verifications alone
                EvidencePackage.Body body = warm.body();
                long ls = System.nanoTime();
                int n = 0;
                for (int i = 0; i < rounds; i++) {
                    for (EvidencePackage.Item item : body.items()) {
                        var cert = trust.suite(dev.sealer.core.seal.Receipt.parse(item.receipt()).suiteId()).orElseThrow();
                        if (!cert.verifies(SignedMessage.receipt(item.receipt()), item.signature())) {
                            throw new IllegalStateException("limit: a signature does not verify");
                        }
                        n++;
                    }
                }
                double limit = n / ((System.nanoTime() - ls) / 1e9);
                System.out.printf("seals in the table: %d%n", seals);
                System.out.printf("one-seal package:   p50 %.1f ms, p95 %.1f ms (%d calls, %d bytes)%n", pct(one, 50), pct(one, 95), singles,
                        audit.materializeEvidence(MaterializeEvidenceRequest.newBuilder().setSealId(list.getSeals(0).getSealId())
                                .setReason(EvidenceReason.EVIDENCE_REASON_AUDIT).build()).getPackageJson().size());
                System.out.printf("1,000-seal package: p50 %.0f ms, p95 %.0f ms (%d calls, %d bytes)%n", pct(page, 50), pct(page, 95), pages, file.length);
                System.out.printf("offline verification: %.0f seals/s; dual-verify limit %.0f seals/s; ratio %.2f%n", verifyRate, limit, verifyRate / limit);
            } finally {
                ch.shutdownNow();
            }
        }
        System.exit(0);
    }

    private static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
