package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.dev.EmbeddedDatabase;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL failover through the JDBC multi-host URL, against the packaged service under load: the primary
 * (the embedded server) stops and comes back on another address, which the URL lists second; then it moves
 * back to the first. The same process takes each address up by itself, answers only STORE_UNAVAILABLE while no
 * server is up, is ready again each time, and every acknowledged seal is stored and verifies.
 */
class PostgresFailoverIT {

    @Test
    void primaryMovesToTheSecondAddressOfTheUrlAndBack_whileSealing_sameProcessRecovers_nothingAcknowledgedLost() throws Exception {
        TestDatabase db = TestDatabase.get();
        Assumptions.assumeTrue(db.embedded().isPresent(), "needs the embedded server, to stop it and start it on another port");
        EmbeddedDatabase pg = db.embedded().orElseThrow();
        int first = pg.port();
        int second = freePort();
        String url = "jdbc:postgresql://localhost:" + first + ",localhost:" + second + "/" + EmbeddedDatabase.DATABASE
                + "?targetServerType=primary&connectTimeout=2";

        Map<String, SealResponse> acknowledged = new ConcurrentHashMap<>();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger storeUnavailable = new AtomicInteger();
        String run = "failover-" + System.nanoTime();
        try (ServiceProcess service = ServiceProcess.start(TestHsm.GOOD, Map.of("sealer.sweep.initial-delay", "24h"),
                Map.of("SEALER_DB_URL", url))) {
            service.awaitReady(Duration.ofSeconds(90));
            long pid = service.pid();
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", service.grpcPort).usePlaintext().build();
            SealServiceGrpc.SealServiceBlockingStub seals = SealServiceGrpc.newBlockingStub(ch);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String id = run + "-" + thread + "-" + i;
                        SealMode mode = i % 2 == 0 ? SealMode.ANCHORED : SealMode.SIGNED;
                        try {
                            acknowledged.put(id, seals.withDeadlineAfter(20, TimeUnit.SECONDS).seal(Grpc.request(id).setRequestId(id).setMode(mode).build()));
                        } catch (StatusRuntimeException e) {
                            if ("STORE_UNAVAILABLE".equals(Grpc.reason(e))) {
                                storeUnavailable.incrementAndGet();
                            } else {
                                unexpected.add(e.getStatus().getCode() + " " + Grpc.reason(e) + " " + e.getStatus().getDescription());
                            }
                            sleep(50);
                        }
                    }
                });
            }
            try {
                awaitMore(acknowledged, 100);
                // the primary goes away and comes back at the URL's second address
                pg.stopServer();
                Thread.sleep(2_000);
                pg.startServer(second);
                awaitMore(acknowledged, 200);
                awaitReadiness(service, 200, Duration.ofSeconds(30));
                // and back to the first
                pg.stopServer();
                Thread.sleep(2_000);
                pg.startServer(first);
                awaitMore(acknowledged, 200);
                awaitReadiness(service, 200, Duration.ofSeconds(30));
            } finally {
                stop.set(true);
                pool.shutdown();
                assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
                if (!isUp(first)) {
                    // whatever failed above, the other tests find the server where they expect it
                    pg.stopServer();
                    pg.startServer(first);
                }
            }
            assertEquals(pid, service.pid(), "the same process");
            // every acknowledged seal verifies through the service, after both moves
            SealServiceGrpc.SealServiceBlockingStub verify = seals.withDeadlineAfter(60, TimeUnit.SECONDS);
            int checked = 0;
            for (Map.Entry<String, SealResponse> e : acknowledged.entrySet()) {
                if (checked++ % 10 != 0) {
                    continue; // one in ten through the service; all of them in the table below
                }
                var r = verify.verify(VerifyRequest.newBuilder().setSealId(e.getValue().getSeal().getSealId())
                        .setDigest(Grpc.request(e.getKey()).setRequestId(e.getKey()).build().getDigest()).build());
                assertEquals(Verdict.VALID, r.getVerdict(), e.getKey() + ": " + r.getReason() + " " + r.getDetail());
            }
            ch.shutdownNow();
        }
        System.out.printf("failover: %d seals acknowledged, %d answered STORE_UNAVAILABLE while no server was up, %d other errors%n",
                acknowledged.size(), storeUnavailable.get(), unexpected.size());
        assertTrue(storeUnavailable.get() > 0, "sealing was refused with STORE_UNAVAILABLE while no server was up");
        assertEquals(List.of(), unexpected.stream().distinct().limit(10).toList(), "no error other than STORE_UNAVAILABLE");

        Set<String> stored = new HashSet<>();
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement("select request_id, seal_id::text from receipts where request_id like ?")) {
            st.setString(1, run + "-%");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(2).equals(acknowledged.getOrDefault(rs.getString(1), SealResponse.getDefaultInstance()).getSeal().getSealId())) {
                        stored.add(rs.getString(1));
                    }
                }
            }
        }
        Set<String> lost = new HashSet<>(acknowledged.keySet());
        lost.removeAll(stored);
        assertEquals(Set.of(), lost, "every acknowledged seal is stored, with the seal id it was acknowledged with");
    }

    private static boolean isUp(int port) {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres?user=postgres&connectTimeout=2")) {
            return true;
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code n} more seals were acknowledged than now. */
    private static void awaitMore(Map<?, ?> m, int n) throws InterruptedException {
        int target = m.size() + n;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (m.size() < target && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(m.size() >= target, "sealing goes on: " + m.size() + " acknowledged, wanted " + target);
    }

    private static void awaitReadiness(ServiceProcess service, int status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = service.http("/q/health/ready").getKey();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("readiness " + last + ", wanted " + status + " within " + timeout);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
