package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.grpc.v1.GetCheckpointRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.LogServiceGrpc;
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
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The attack the database threat model starts from, end to end on the packaged service: an
 * attacker with superuser rights copies a real ANCHORED receipt into a new row at the next leaf
 * index, with a new seal id and request id, correctly hashed, the real row's authenticator
 * copied. The running service never folds it into the log, never covers it with a checkpoint,
 * never answers VALID for it, before or after a restart; it stops appending (STORE_UNAVAILABLE),
 * readiness says why, and {@code sealer sweep} (its own process) names the row.
 */
class ForgedRowIT {

    @Test
    void forgedReceiptRowAtTheNextLeaf_isQuarantinedNeverCheckpointedNeverValid_andNamedBySweep() throws Exception {
        String dbUrl = TestDatabase.get().newDatabase("sealer_forged");
        Map<String, String> env = Map.of("SEALER_DB_URL", dbUrl);
        String forgedId = UUID.randomUUID().toString();
        long forgedLeaf;
        String trustJson;
        try (ServiceProcess service = ServiceProcess.start(TestHsm.GOOD, Map.of(), env)) {
            service.awaitReady(Duration.ofSeconds(90));
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", service.grpcPort).usePlaintext().build();
            try {
                SealServiceGrpc.SealServiceBlockingStub seals = SealServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
                SealResponse real = seals.seal(Grpc.request("forgery-template").setMode(SealMode.ANCHORED).build());
                forgedLeaf = real.getSeal().getLeafIndex() + 1;
                trustJson = KeyServiceGrpc.newBlockingStub(ch).getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson();
                try (Connection c = DriverManager.getConnection(dbUrl, TestDatabase.get().username(), TestDatabase.get().password());
                        Statement st = c.createStatement()) {
                    st.execute("set session_replication_role = replica");
                    st.execute("insert into receipts (seal_id, leaf_index, committed_at, row_mac, suite_no, digest_alg, stage, request_id, subject, signer,"
                            + " digest, labels, parents) select '" + forgedId + "', " + forgedLeaf + ", committed_at, row_mac, suite_no, digest_alg, stage,"
                            + " 'forged-request', subject, signer, digest, labels, parents from receipts where leaf_index = " + real.getSeal().getLeafIndex());
                }

                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                        () -> seals.seal(Grpc.request("after-forgery").setMode(SealMode.ANCHORED).build()));
                assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
                assertEquals("STORE_UNAVAILABLE", Grpc.reason(refused));
                assertNotValid(seals, forgedId);
                Thread.sleep(1500); // past the checkpoint max delay: nothing may sign over the forged leaf
                long size = LogServiceGrpc.newBlockingStub(ch).getCheckpoint(GetCheckpointRequest.getDefaultInstance()).getTreeSize();
                assertTrue(size <= forgedLeaf, "a checkpoint covers the forged leaf " + forgedLeaf + ": size " + size);
                Map.Entry<Integer, String> ready = service.http("/q/health/ready");
                assertEquals(503, ready.getKey(), ready.getValue());
                assertTrue(ready.getValue().contains("\"integrity\"") && ready.getValue().contains("leaf " + forgedLeaf), ready.getValue());
            } finally {
                ch.shutdownNow();
            }
        }

        try (ServiceProcess restarted = ServiceProcess.start(TestHsm.GOOD, Map.of(), env)) {
            restarted.awaitLive(Duration.ofSeconds(90));
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", restarted.grpcPort).usePlaintext().build();
            try {
                SealServiceGrpc.SealServiceBlockingStub seals = SealServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
                assertNotValid(seals, forgedId);
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> seals.seal(Grpc.request("after-restart").build()));
                assertEquals("STORE_UNAVAILABLE", Grpc.reason(refused));
                assertTrue(restarted.output().contains("INTEGRITY ANCHOR_MISMATCH table=receipts row=leaf " + forgedLeaf), restarted.output());
            } finally {
                ch.shutdownNow();
            }
        }

        Path trust = Files.createTempFile("forged-trust-", ".json");
        Files.writeString(trust, trustJson);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-jar", System.getProperty("sealer.it.app-jar", "target/quarkus-app/quarkus-run.jar"),
                "sweep", "--db-url", dbUrl, "--db-user", TestDatabase.get().appRole(), "--trust-bundle", trust.toString(),
                "--token-label", TestHsm.GOOD, "--pin-file", TestHsm.get().pinFile(TestHsm.GOOD).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", TestHsm.get().dir().resolve("softhsm2.conf").toString());
        pb.environment().remove("SEALER_HSM_PIN");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("ANCHOR_MISMATCH table=receipts row=leaf " + forgedLeaf + " seal " + forgedId), out);
    }

    private static void assertNotValid(SealServiceGrpc.SealServiceBlockingStub seals, String sealId) {
        VerifyResponse v = seals.verify(VerifyRequest.newBuilder().setSealId(sealId).build());
        assertEquals(Verdict.INVALID, v.getVerdict(), v.toString());
        assertEquals("ANCHOR_MISMATCH", v.getReason(), v.toString());
    }
}
