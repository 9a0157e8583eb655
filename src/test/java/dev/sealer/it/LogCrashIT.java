package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sealer.core.merkle.MerkleVerifier;
import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.grpc.v1.Anchor;
import dev.sealer.grpc.v1.Checkpoint;
import dev.sealer.grpc.v1.ConsistencyProof;
import dev.sealer.grpc.v1.GetCheckpointRequest;
import dev.sealer.grpc.v1.GetConsistencyProofRequest;
import dev.sealer.grpc.v1.GetInclusionProofRequest;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * kill -9 while sealing in ANCHORED mode, restart: every acknowledged seal is in a checkpoint and
 * verifies, receipts committed before the crash are anchored after the restart, and a
 * consistency proof links every checkpoint issued before the crash to the one after.
 */
class LogCrashIT {

    @Test
    void killNineWhileSealingAnchored_thenRestart_everyAcknowledgedSealIsAnchoredAndTheLogDidNotFork() throws Exception {
        Map<String, SealResponse> acknowledged = new ConcurrentHashMap<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<Long> checkpointsBefore = new TreeSet<>();
        try (ServiceProcess first = ServiceProcess.start(TestHsm.GOOD, Map.of("sealer.log.checkpoint-max-delay", "PT0.2S"), Map.of())) {
            first.awaitReady(Duration.ofSeconds(90));
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", first.grpcPort).usePlaintext().build();
            SealServiceGrpc.SealServiceBlockingStub seals = SealServiceGrpc.newBlockingStub(ch);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            String run = "crash-" + System.nanoTime();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String id = run + "-" + thread + "-" + i;
                        // half anchored, half signed: both must survive
                        SealMode mode = i % 2 == 0 ? SealMode.ANCHORED : SealMode.SIGNED;
                        try {
                            acknowledged.put(id, seals.withDeadlineAfter(20, TimeUnit.SECONDS).seal(Grpc.request(id).setRequestId(id).setMode(mode).build()));
                        } catch (StatusRuntimeException e) {
                            errors.add(e.getStatus().getCode() + " " + Grpc.reason(e)); // unacknowledged calls prove nothing
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        }
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.size() < 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            acknowledged.values().stream().filter(SealResponse::hasAnchor).forEach(r -> checkpointsBefore.add(r.getAnchor().getTreeSize()));
            first.killHard();
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
            ch.shutdownNow();
        }
        assertTrue(acknowledged.size() > 50, "the load produced acknowledged seals: " + acknowledged.size() + "; errors: "
                + errors.stream().distinct().limit(5).toList());
        assertTrue(!checkpointsBefore.isEmpty(), "checkpoints were issued before the crash");

        try (ServiceProcess second = ServiceProcess.start(TestHsm.GOOD, Map.of(), Map.of())) {
            second.awaitReady(Duration.ofSeconds(90));
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", second.grpcPort).usePlaintext().build();
            LogServiceGrpc.LogServiceBlockingStub log = LogServiceGrpc.newBlockingStub(ch);
            Checkpoint latest = log.getCheckpoint(GetCheckpointRequest.getDefaultInstance());
            assertEquals(receiptCount(), latest.getTreeSize(), "every committed receipt is anchored after the restart");

            List<String> failures = new ArrayList<>();
            for (SealResponse r : acknowledged.values()) {
                Anchor a = log.getInclusionProof(GetInclusionProofRequest.newBuilder().setSealId(r.getSeal().getSealId()).build());
                try {
                    MerkleVerifier.verifyInclusion(a.getLeafIndex(), a.getTreeSize(), Rfc6962.leafHash(r.getSeal().getReceiptJson().toByteArray()),
                            a.getInclusionProofList().stream().map(ByteString::toByteArray).toList(), latest.getRootHash().toByteArray());
                } catch (RuntimeException e) {
                    failures.add(r.getSeal().getSealId() + ": " + e.getMessage());
                }
            }
            assertEquals(List.of(), failures);
            for (long size : checkpointsBefore) {
                Checkpoint before = log.getCheckpoint(GetCheckpointRequest.newBuilder().setTreeSize(size).build());
                ConsistencyProof p = log.getConsistencyProof(GetConsistencyProofRequest.newBuilder().setFromSize(size).build());
                MerkleVerifier.verifyConsistency(size, p.getToSize(), p.getProofList().stream().map(ByteString::toByteArray).toList(),
                        before.getRootHash().toByteArray(), latest.getRootHash().toByteArray());
            }
            ch.shutdownNow();
        }
    }

    static long receiptCount() throws Exception {
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from receipts")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
