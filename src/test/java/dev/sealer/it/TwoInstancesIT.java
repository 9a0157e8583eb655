package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.grpc.v1.IntegritySweepReport;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.RunIntegritySweepRequest;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two instances of one authority on one database: each log appender checks and folds in what
 * the other appended (their rows carry this authority's authenticators), so both keep sealing,
 * every seal verifies on the other instance, neither quarantines anything, and the sweep is clean.
 */
class TwoInstancesIT {

    @Test
    void twoInstancesSealingIntoOneDatabase_foldInEachOthersRows_everySealVerifiesOnTheOther_andTheSweepIsClean() throws Exception {
        Map<String, String> env = Map.of("SEALER_DB_URL", TestDatabase.get().newDatabase("sealer_two_instances"));
        Map<String, String> props = Map.of("sealer.log.checkpoint-max-delay", "PT0.2S");
        try (ServiceProcess a = ServiceProcess.start(TestHsm.GOOD, props, env); ServiceProcess b = ServiceProcess.start(TestHsm.GOOD, props, env)) {
            a.awaitReady(Duration.ofSeconds(90));
            b.awaitReady(Duration.ofSeconds(90));
            ManagedChannel ca = ManagedChannelBuilder.forAddress("localhost", a.grpcPort).usePlaintext().build();
            ManagedChannel cb = ManagedChannelBuilder.forAddress("localhost", b.grpcPort).usePlaintext().build();
            try {
                List<SealServiceGrpc.SealServiceBlockingStub> stubs = List.of(SealServiceGrpc.newBlockingStub(ca), SealServiceGrpc.newBlockingStub(cb));
                List<SealResponse> fromA = Collections.synchronizedList(new ArrayList<>());
                List<SealResponse> fromB = Collections.synchronizedList(new ArrayList<>());
                List<String> errors = Collections.synchronizedList(new ArrayList<>());
                ExecutorService pool = Executors.newFixedThreadPool(8);
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            int which = (thread + i) % 2;
                            SealMode mode = i % 2 == 0 ? SealMode.ANCHORED : SealMode.SIGNED;
                            try {
                                SealResponse r = stubs.get(which).withDeadlineAfter(30, TimeUnit.SECONDS)
                                        .seal(Grpc.request("two-" + thread + "-" + i).setMode(mode).build());
                                (which == 0 ? fromA : fromB).add(r);
                            } catch (StatusRuntimeException e) {
                                errors.add(e.getStatus().getCode() + " " + Grpc.reason(e) + " " + e.getStatus().getDescription());
                            }
                        }
                    });
                }
                pool.shutdown();
                assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS));
                assertEquals(List.of(), errors);
                assertEquals(320, fromA.size() + fromB.size());
                Thread.sleep(500); // both checkpointers cover what the other appended
                for (SealResponse r : fromA) {
                    assertValid(stubs.get(1), r);
                }
                for (SealResponse r : fromB) {
                    assertValid(stubs.get(0), r);
                }
                IntegritySweepReport sweep = LogServiceGrpc.newBlockingStub(ca).runIntegritySweep(RunIntegritySweepRequest.getDefaultInstance());
                assertTrue(sweep.getClean(), sweep.getFindingsList().toString());
                assertEquals(320, sweep.getReceiptsChecked());
                assertEquals(200, a.http("/q/health/ready").getKey(), a.http("/q/health/ready").getValue());
                assertEquals(200, b.http("/q/health/ready").getKey(), b.http("/q/health/ready").getValue());
            } finally {
                ca.shutdownNow();
                cb.shutdownNow();
            }
        }
    }

    private static void assertValid(SealServiceGrpc.SealServiceBlockingStub other, SealResponse r) {
        VerifyResponse v = other.verify(VerifyRequest.newBuilder().setSealId(r.getSeal().getSealId()).build());
        assertEquals(Verdict.VALID, v.getVerdict(), v.toString());
    }
}
