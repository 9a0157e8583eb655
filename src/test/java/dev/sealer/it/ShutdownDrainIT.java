package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under load, on the packaged jar: the service stops admitting, finishes the calls in
 * flight, signs a last checkpoint and exits 0. Every acknowledged seal is stored and covered by
 * that checkpoint, and no caller saw an error other than UNAVAILABLE.
 */
class ShutdownDrainIT {

    @Test
    void sigtermUnderLoad_exitsZero_everyAcknowledgedSealStoredAndInTheFinalCheckpoint_onlyUnavailableErrors() throws Exception {
        Map<String, SealResponse> acknowledged = new ConcurrentHashMap<>();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<String> unavailableReasons = ConcurrentHashMap.newKeySet();
        String run = "drain-" + System.nanoTime();
        int exit;
        String output;
        try (ServiceProcess service = ServiceProcess.start(TestHsm.GOOD,
                Map.of("sealer.log.checkpoint-max-delay", "PT1S", "sealer.shutdown.drain-time", "PT10S"), Map.of())) {
            service.awaitReady(Duration.ofSeconds(90));
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", service.grpcPort).usePlaintext().build();
            SealServiceGrpc.SealServiceBlockingStub seals = SealServiceGrpc.newBlockingStub(ch);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            for (int t = 0; t < 16; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String id = run + "-" + thread + "-" + i;
                        SealMode mode = i % 2 == 0 ? SealMode.ANCHORED : SealMode.SIGNED;
                        try {
                            acknowledged.put(id, seals.withDeadlineAfter(30, TimeUnit.SECONDS).seal(Grpc.request(id).setRequestId(id).setMode(mode).build()));
                        } catch (StatusRuntimeException e) {
                            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                                unavailableReasons.add(String.valueOf(Grpc.reason(e)));
                                return; // as a real caller would: this instance is going away, seal elsewhere
                            } else {
                                unexpected.add(e.getStatus().getCode() + " " + Grpc.reason(e) + " " + e.getStatus().getDescription());
                            }
                        }
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            service.terminate();
            exit = service.awaitExit(Duration.ofSeconds(40));
            stop.set(true);
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "callers finished");
            ch.shutdownNow();
            output = service.output();
        }
        output.lines().filter(l -> l.contains("shutdown:") || l.contains("stopped in")).forEach(System.out::println);
        System.out.println("acknowledged " + acknowledged.size() + ", UNAVAILABLE reasons seen " + unavailableReasons);
        assertEquals(0, exit, "SIGTERM ends the service with exit code 0; output:\n" + tail(output));
        assertEquals(List.of(), unexpected.stream().distinct().limit(10).toList(), "only UNAVAILABLE while shutting down");
        assertTrue(acknowledged.size() >= 300, "the load was acknowledged before SIGTERM: " + acknowledged.size());
        assertTrue(output.contains("shutdown: stopped admitting"), "the drain is logged:\n" + tail(output));
        assertTrue(unavailableReasons.contains("SHUTTING_DOWN"), "callers were told the service is shutting down: " + unavailableReasons);

        Set<String> stored = new HashSet<>();
        long maxLeaf = -1;
        long finalCheckpoint;
        try (Connection c = TestDatabase.get().connect()) {
            try (PreparedStatement st = c.prepareStatement("select request_id, leaf_index from receipts where request_id like ?")) {
                st.setString(1, run + "-%");
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        stored.add(rs.getString(1));
                        maxLeaf = Math.max(maxLeaf, rs.getLong(2));
                    }
                }
            }
            try (PreparedStatement st = c.prepareStatement("select max(tree_size) from checkpoints"); ResultSet rs = st.executeQuery()) {
                rs.next();
                finalCheckpoint = rs.getLong(1);
            }
        }
        Set<String> lost = new HashSet<>(acknowledged.keySet());
        lost.removeAll(stored);
        assertEquals(Set.of(), lost, "every acknowledged seal is stored");
        assertTrue(finalCheckpoint > maxLeaf, "the last checkpoint (tree size " + finalCheckpoint + ") covers every stored seal of the run (last leaf "
                + maxLeaf + ")");
    }

    static String tail(String s) {
        return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
    }
}
