package dev.sealer.bench;

import dev.sealer.bench.LoadGenerator.Config;
import dev.sealer.bench.LoadGenerator.Kind;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.lineage.LineageFile;
import dev.sealer.core.lineage.LineageVerifier;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.grpc.v1.CreateMetaSealRequest;
import dev.sealer.grpc.v1.Digest;
import dev.sealer.grpc.v1.DigestAlgorithm;
import dev.sealer.grpc.v1.GetLineageFileRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.LineageDirection;
import dev.sealer.grpc.v1.LineageServiceGrpc;
import dev.sealer.grpc.v1.ListLineageRequest;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Stage;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Lineage, measured (bench/lineage.sh): a fresh packaged service is filled with {@code -Dlineage.seals} seals (default
 * 1,000,000, batched SealStream: stage training, labels team, pipeline and run=run-N for each thousand), then a 1,000-seal
 * lifecycle graph is sealed (250 each of data-collection, training, evaluation, deployment; each training run also descends
 * from the one before, so ancestor walks reach the depth bound). Timed: CreateMetaSeal over the graph against a plain Seal,
 * GetLineageFile, the offline LineageVerifier against one plain seal's verification and the same seals' dual verification
 * alone, ListLineage (ancestors, descendants), and ListSeals by stage, by label and both (p50/p95 of 100 calls each).
 */
public final class LineageBenchmark {
    private LineageBenchmark() {
    }

    static final int PER_STAGE = 250;

    public static void main(String[] args) throws Exception {
        long seals = Long.getLong("lineage.seals", 1_000_000);
        int calls = Integer.getInteger("lineage.calls", 100);
        TestDatabase.get();
        try (ServiceProcess svc = ServiceProcess.start(TestHsm.GOOD, BenchmarkRun.SERVICE_CONFIG, Map.of(), List.of("-Xms1g", "-Xmx2g"))) {
            svc.awaitReady(Duration.ofSeconds(180));
            long t0 = System.nanoTime();
            if (seals > 0) {
                try (LoadGenerator lg = new LoadGenerator("localhost", svc.grpcPort, 4)) {
                    LoadGenerator.Result fill = lg.run(new Config(Kind.STREAM, 64, Duration.ofHours(3), Duration.ZERO, 16, true, seals));
                    System.out.printf("filled: %s in %.0f s%n", fill, (System.nanoTime() - t0) / 1e9);
                }
            }
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", svc.grpcPort).usePlaintext().maxInboundMessageSize(LineageFile.MAX_BYTES).build();
            try {
                run(ch, seals, calls);
            } finally {
                ch.shutdownNow();
            }
        }
        System.exit(0);
    }

    private static void run(ManagedChannel ch, long seals, int calls) throws Exception {
        var sealStub = SealServiceGrpc.newBlockingStub(ch);
        var lineage = LineageServiceGrpc.newBlockingStub(ch).withMaxInboundMessageSize(LineageFile.MAX_BYTES);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long g0 = System.nanoTime();
        List<String> dc = new ArrayList<>(), tr = new ArrayList<>(), ev = new ArrayList<>(), dp = new ArrayList<>();
        for (int i = 0; i < PER_STAGE; i++) {
            dc.add(seal(sealStub, tag, "dataset-" + i, Stage.DATA_COLLECTION, List.of()));
            tr.add(seal(sealStub, tag, "training-" + i, Stage.TRAINING, i == 0 ? List.of(dc.get(i)) : List.of(dc.get(i), tr.get(i - 1))));
            ev.add(seal(sealStub, tag, "evaluation-" + i, Stage.EVALUATION, List.of(tr.get(i))));
            dp.add(seal(sealStub, tag, "deployment-" + i, Stage.DEPLOYMENT, List.of(ev.get(i))));
        }
        List<String> graph = new ArrayList<>();
        graph.addAll(dc);
        graph.addAll(tr);
        graph.addAll(ev);
        graph.addAll(dp);
        System.out.printf("graph: %d SIGNED seals sealed in %.1f s%n", graph.size(), (System.nanoTime() - g0) / 1e9);
        Thread.sleep(2_000); // a checkpoint covers them

        int metaCalls = Math.max(5, calls / 10);
        String[] metaId = new String[1];
        double[] meta = time(metaCalls, () -> {
            metaId[0] = lineage.createMetaSeal(CreateMetaSealRequest.newBuilder().setRequestId("bench-meta-" + UUID.randomUUID()).setSubject("model:bench@" + tag)
                    .addAllSealIds(graph).build()).getMetaSeal().getSeal().getSealId();
            return null;
        });
        double[] plain = time(calls, () -> seal(sealStub, tag, "plain-" + UUID.randomUUID(), Stage.TRAINING, List.of()));
        System.out.printf("CreateMetaSeal over %d seals: p50 %.1f ms, p95 %.1f ms (%d calls); plain Seal p50 %.1f ms, p95 %.1f ms; ratio p50 %.1f%n",
                graph.size(), pct(meta, 50), pct(meta, 95), metaCalls, pct(plain, 50), pct(plain, 95), pct(meta, 50) / pct(plain, 50));

        byte[][] file = new byte[1][];
        double[] fetch = time(5, () -> {
            file[0] = lineage.getLineageFile(GetLineageFileRequest.newBuilder().setMetaSealId(metaId[0]).build()).getLineageJson().toByteArray();
            return null;
        });
        System.out.printf("GetLineageFile (%d seals): p50 %.0f ms, %d bytes%n", graph.size() + 1, pct(fetch, 50), file[0].length);

        TrustBundle trust = TrustBundle.parse(KeyServiceGrpc.newBlockingStub(ch).getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
        LineageFile parsed = LineageFile.parse(file[0]);
        LineageVerifier.Report warm = new LineageVerifier(new SealVerifier(trust)).verify(parsed, Map.of());
        if (!warm.valid()) {
            throw new IllegalStateException("the benchmark's lineage does not verify: " + warm.verdict());
        }
        double[] offline = time(5, () -> new LineageVerifier(new SealVerifier(trust)).verify(LineageFile.parse(file[0]), Map.of()));
        SealBundle one = parsed.seals().getFirst();
        SealVerifier single = new SealVerifier(trust);
        double[] onePlain = time(calls, () -> single.verify(one, Optional.empty()));
        long ls = System.nanoTime();
        for (SealBundle b : parsed.seals()) {
            if (!trust.suite(b.receipt().suiteId()).orElseThrow().verifies(SignedMessage.receipt(b.receipt().canonicalBytes()), b.signature())) {
                throw new IllegalStateException("limit: a signature does not verify");
            }
        }
        double limitMs = (System.nanoTime() - ls) / 1e6;
        System.out.printf("offline lineage verification (parse + %d seals + graph): p50 %.0f ms (%.0f seals/s); one plain seal p50 %.2f ms; ratio %.0f; "
                        + "the same seals' dual verification alone %.0f ms (lineage at %.2f x that limit)%n", warm.nodes().size(), pct(offline, 50),
                warm.nodes().size() / (pct(offline, 50) / 1e3), pct(onePlain, 50), pct(offline, 50) / pct(onePlain, 50), limitMs, limitMs / pct(offline, 50));

        String last = dp.getLast();
        int[] found = new int[1];
        double[] anc = time(calls, () -> {
            found[0] = lineage.listLineage(ListLineageRequest.newBuilder().setSealId(last).setDirection(LineageDirection.LINEAGE_ANCESTORS).build()).getEntriesCount();
            return null;
        });
        System.out.printf("ListLineage ancestors of a deployment (depth 16, %d seals): p50 %.1f ms, p95 %.1f ms%n", found[0], pct(anc, 50), pct(anc, 95));
        double[] desc = time(calls, () -> {
            found[0] = lineage.listLineage(ListLineageRequest.newBuilder().setSealId(dc.getFirst()).setDirection(LineageDirection.LINEAGE_DESCENDANTS).build())
                    .getEntriesCount();
            return null;
        });
        System.out.printf("ListLineage descendants of the first dataset (depth 16, first page of %d): p50 %.1f ms, p95 %.1f ms%n", found[0], pct(desc, 50), pct(desc, 95));

        String midRun = "run=run-" + Math.max(0, seals / 2000);
        query(sealStub, "ListSeals stage=evaluation", ListSealsRequest.newBuilder().setStage(Stage.EVALUATION).build(), calls);
        query(sealStub, "ListSeals label " + midRun, ListSealsRequest.newBuilder().setLabel(midRun).build(), calls);
        query(sealStub, "ListSeals stage=training + label " + midRun, ListSealsRequest.newBuilder().setStage(Stage.TRAINING).setLabel(midRun).build(), calls);
        query(sealStub, "ListSeals label team=ml-platform (every filled seal)", ListSealsRequest.newBuilder().setLabel("team=ml-platform").build(), calls);
        query(sealStub, "ListSeals stage=training (every filled seal)", ListSealsRequest.newBuilder().setStage(Stage.TRAINING).build(), calls);
        System.out.printf("seals in the table: %d + %d%n", seals, graph.size() + metaCalls + calls);
    }

    private static void query(SealServiceGrpc.SealServiceBlockingStub stub, String what, ListSealsRequest request, int calls) {
        int[] n = new int[1];
        double[] t = time(calls, () -> {
            n[0] = stub.listSeals(request).getSealsCount();
            return null;
        });
        System.out.printf("%s (page of %d): p50 %.1f ms, p95 %.1f ms%n", what, n[0], pct(t, 50), pct(t, 95));
    }

    private static String seal(SealServiceGrpc.SealServiceBlockingStub stub, String tag, String name, Stage stage, List<String> parents) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((tag + name).getBytes());
            SealRequest r = SealRequest.newBuilder().setRequestId("bench-" + tag + "-" + name).setSubject("bench/" + tag + "/" + name).setStage(stage)
                    .setDigest(Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(com.google.protobuf.ByteString.copyFrom(d)))
                    .putLabels("bench", "lineage-" + tag).addAllParentSealIds(parents).setCompact(true).build();
            return stub.seal(r).getSeal().getSealId();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double[] time(int n, Supplier<?> op) {
        op.get(); // warm
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            op.get();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        return t;
    }

    private static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
