package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** 64 concurrent clients x 200 seals: every acknowledged seal is stored once and verifies; ids never repeat. */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class SealConcurrencyTest {
    static final int CLIENTS = 64;
    static final int SEALS_PER_CLIENT = 200;

    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;

    @Test
    void sixtyFourClientsSealingConcurrently_everyAcknowledgedSealIsStoredOnceAndVerifies() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                for (int i = 0; i < SEALS_PER_CLIENT; i++) {
                    var request = Grpc.request("conc-" + run + "-" + client + "-" + i).setRequestId("conc-" + run + "-" + client + "-" + i).build();
                    // as a client is told to: a seal shed as OVERLOADED (the signing queue's wait bound, e.g. while the JVM is still cold
                    // on two shared cores) is retried with the same request id after a pause; nothing of it was stored
                    for (int attempt = 1; ; attempt++) {
                        try {
                            SealResponse r = seals.withDeadlineAfter(60, TimeUnit.SECONDS).seal(request);
                            acknowledged.add(r.getSeal().getSealId());
                            break;
                        } catch (io.grpc.StatusRuntimeException e) {
                            if (Grpc.code(e) != io.grpc.Status.Code.RESOURCE_EXHAUSTED || !"OVERLOADED".equals(Grpc.reason(e)) || attempt == 10) {
                                throw e;
                            }
                            Thread.sleep(100L * attempt);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : clients) {
            f.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertEquals(CLIENTS * SEALS_PER_CLIENT, acknowledged.size(), "seal ids must be unique");
        StoredSealsCheck.Result stored = StoredSealsCheck.run("conc-" + run + "-%");
        assertEquals(acknowledged, stored.sealIds(), "every acknowledged seal is in the database, and nothing else");
        assertEquals(List.of(), stored.failures(), "every stored seal verifies");
    }
}
