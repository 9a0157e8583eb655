package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListSuitesRequest;
import dev.sealer.grpc.v1.RotateSuiteRequest;
import dev.sealer.grpc.v1.RotateSuiteResponse;
import dev.sealer.grpc.v1.Suite;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** Two service processes on one database race to rotate the same suite: exactly one new suite appears. */
class RotationRaceIT {

    @Test
    void twoInstancesRacingToRotate_produceExactlyOneNewSuite() throws Exception {
        try (ServiceProcess a = ServiceProcess.start(TestHsm.GOOD, Map.of(), Map.of());
                ServiceProcess b = ServiceProcess.start(TestHsm.GOOD, Map.of(), Map.of())) {
            a.awaitReady(Duration.ofSeconds(120));
            b.awaitReady(Duration.ofSeconds(120));
            ManagedChannel ca = ManagedChannelBuilder.forAddress("localhost", a.grpcPort).usePlaintext().build();
            ManagedChannel cb = ManagedChannelBuilder.forAddress("localhost", b.grpcPort).usePlaintext().build();
            KeyServiceGrpc.KeyServiceBlockingStub ka = KeyServiceGrpc.newBlockingStub(ca);
            KeyServiceGrpc.KeyServiceBlockingStub kb = KeyServiceGrpc.newBlockingStub(cb);
            List<Suite> before = ka.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList();
            String active = before.stream().filter(s -> s.getStatus().equals("ACTIVE")).findFirst().orElseThrow().getSuiteId();

            CyclicBarrier start = new CyclicBarrier(2);
            RotateSuiteRequest rotate = RotateSuiteRequest.newBuilder().setExpectedActiveSuiteId(active).build();
            CompletableFuture<RotateSuiteResponse> ra = CompletableFuture.supplyAsync(() -> {
                await(start);
                return ka.rotateSuite(rotate);
            });
            CompletableFuture<RotateSuiteResponse> rb = CompletableFuture.supplyAsync(() -> {
                await(start);
                return kb.rotateSuite(rotate);
            });
            RotateSuiteResponse x = ra.get();
            RotateSuiteResponse y = rb.get();
            assertEquals(1, (x.getRotated() ? 1 : 0) + (y.getRotated() ? 1 : 0), "exactly one rotation: " + x + " / " + y);
            assertEquals(x.getActiveSuiteId(), y.getActiveSuiteId());
            List<Suite> after = kb.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList();
            assertEquals(before.size() + 1, after.size(), "one new suite");
            assertEquals(1, after.stream().filter(s -> s.getStatus().equals("ACTIVE")).count(), "exactly one ACTIVE suite");
            ca.shutdownNow();
            cb.shutdownNow();
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
