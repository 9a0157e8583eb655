package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.dev.EmbeddedDatabase;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealingLoad;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

        String run = "failover-" + System.nanoTime();
        Map<String, SealResponse> acknowledged;
        SealingLoad load;
        try (ServiceProcess service = ServiceProcess.start(TestHsm.GOOD, Map.of("sealer.sweep.initial-delay", "24h"),
                Map.of("SEALER_DB_URL", url))) {
            service.awaitReady(Duration.ofSeconds(90));
            long pid = service.pid();
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", service.grpcPort).usePlaintext().build();
            load = new SealingLoad(ch, 4, run, "STORE_UNAVAILABLE");
            acknowledged = load.acknowledged;
            try (load) {
                load.awaitMore(100);
                // the primary goes away and comes back at the URL's second address
                pg.stopServer();
                Thread.sleep(2_000);
                pg.startServer(second);
                load.awaitMore(200);
                service.awaitReadiness(200, Duration.ofSeconds(30));
                // and back to the first
                pg.stopServer();
                Thread.sleep(2_000);
                pg.startServer(first);
                load.awaitMore(200);
                service.awaitReadiness(200, Duration.ofSeconds(30));
            } finally {
                if (!isUp(first)) {
                    // whatever failed above, the other tests find the server where they expect it
                    pg.stopServer();
                    pg.startServer(first);
                }
            }
            assertEquals(pid, service.pid(), "the same process");
            // every acknowledged seal verifies through the service, after both moves
            SealServiceGrpc.SealServiceBlockingStub verify = SealServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
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
                acknowledged.size(), load.expectedRefusals.get(), load.unexpected.size());
        assertTrue(load.expectedRefusals.get() > 0, "sealing was refused with STORE_UNAVAILABLE while no server was up");
        assertEquals(List.of(), load.unexpected.stream().distinct().limit(10).toList(), "no error other than STORE_UNAVAILABLE");

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
}
