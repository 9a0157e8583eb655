package dev.sealer.tsa;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.app.tsa.CheckpointTimestamps;
import dev.sealer.app.tsa.TsaClient;
import dev.sealer.cli.SealerCli;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.tsa.CheckpointStamp;
import dev.sealer.core.tsa.TimestampVerifier;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import dev.sealer.grpc.v1.Checkpoint;
import dev.sealer.grpc.v1.GetCheckpointRequest;
import dev.sealer.grpc.v1.GetInclusionProofRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.IntegritySweepReport;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.RunIntegritySweepRequest;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every checkpoint gets an RFC 3161 token: stored, returned, verified offline and by the sweep, and caught up after a TSA outage. */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class CheckpointTimestampTest {
    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient
    LogServiceGrpc.LogServiceBlockingStub log;
    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;
    @Inject
    CheckpointTimestamps timestamps;

    TrustBundle trust() {
        return TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
    }

    @Test
    void anchoredSeal_carriesItsCheckpointsToken_inTheAnchorTheCheckpointAndTheBundle_verifiedOfflineAndByTheCli() throws Exception {
        SealResponse r = seals.seal(Grpc.request("stamped-weights").setMode(SealMode.ANCHORED).build());
        assertFalse(r.getAnchor().getCheckpointTimestamp().isEmpty(), "the anchor carries the checkpoint's token");
        SealBundle bundle = SealBundle.parse(r.getSealBundleJson());
        assertTrue(bundle.anchor().checkpointTimestamp() != null, "the seal bundle carries it too");
        TrustBundle trust = trust();
        Verdict v = new SealVerifier(trust).verify(bundle, Optional.of(dev.sealer.testing.TestAuthority.sha256("stamped-weights")));
        assertTrue(v.valid(), v.detail());
        assertTrue(v.detail().contains("time-stamped"), v.detail());

        Checkpoint cp = log.getCheckpoint(GetCheckpointRequest.newBuilder().setTreeSize(r.getAnchor().getTreeSize()).build());
        assertEquals(r.getAnchor().getCheckpointTimestamp(), cp.getTimestampToken());
        assertFalse(cp.getTimestampGenTime().isEmpty());
        var verified = TimestampVerifier.verify(cp.getTimestampToken().toByteArray(), CheckpointStamp.IMPRINT_ALGORITHM, CheckpointStamp.imprint(cp.getNote()),
                trust.timestampAuthorities(), trust.root().ecdsaP256());
        assertEquals(cp.getTimestampAuthority(), verified.tsa());

        Path dir = Files.createTempDirectory("sealer-cli-stamp-");
        Files.writeString(dir.resolve("trust.json"), trust.toJson());
        Files.writeString(dir.resolve("seal.json"), r.getSealBundleJson());
        Cli ok = cli("verify", "--seal", dir.resolve("seal.json").toString(), "--trust-bundle", dir.resolve("trust.json").toString(),
                "--digest", "sha-256:" + java.util.HexFormat.of().formatHex(Grpc.sha256("stamped-weights")));
        assertEquals(0, ok.rc(), ok.out());
        assertTrue(ok.out().contains("time-stamped"), ok.out());

        // a changed token (one byte of its signature) does not verify: the CLI says TIMESTAMP_INVALID
        byte[] token = bundle.anchor().checkpointTimestamp();
        token[token.length - 3] ^= 1;
        SealBundle bad = new SealBundle(bundle.receipt(), bundle.signature(), bundle.anchor().withCheckpointTimestamp(token));
        Files.writeString(dir.resolve("bad.json"), bad.toJson());
        Cli invalid = cli("verify", "--seal", dir.resolve("bad.json").toString(), "--trust-bundle", dir.resolve("trust.json").toString());
        assertEquals(2, invalid.rc(), invalid.out());
        assertTrue(invalid.out().contains("TIMESTAMP_INVALID"), invalid.out());
        // a token of another checkpoint does not fit this one
        Checkpoint other = log.getCheckpoint(GetCheckpointRequest.newBuilder().setTreeSize(seals.seal(Grpc.request("next").setMode(SealMode.ANCHORED).build())
                .getAnchor().getTreeSize()).build());
        SealBundle swapped = new SealBundle(bundle.receipt(), bundle.signature(), bundle.anchor().withCheckpointTimestamp(other.getTimestampToken().toByteArray()));
        Verdict sv = new SealVerifier(trust).verify(swapped, Optional.empty());
        assertEquals(Reason.TIMESTAMP_INVALID, sv.reason(), sv.detail());
    }

    @Test
    void tsaUnavailable_checkpointsStillSignedAndSealsAnswered_untimestampedAndDegraded_thenCaughtUp() throws Exception {
        AtomicInteger refused = new AtomicInteger();
        UnaryOperator<TsaClient> down = real -> new TsaClient() {
            @Override
            public String name() {
                return real.name();
            }

            @Override
            public byte[] timestamp(byte[] imprint, BigInteger nonce) {
                refused.incrementAndGet();
                throw new SealerException(Reason.TSA_UNAVAILABLE, "injected: the TSA does not answer");
            }
        };
        timestamps.interpose(down);
        long size;
        try {
            SealResponse r = seals.seal(Grpc.request("sealed-while-tsa-down").setMode(SealMode.ANCHORED).build());
            assertTrue(r.getAnchor().getCheckpointTimestamp().isEmpty(), "no token yet");
            size = r.getAnchor().getTreeSize();
            SealResponse signed = seals.seal(Grpc.request("signed-while-tsa-down").build());
            assertFalse(signed.getSeal().getEd25519Signature().isEmpty(), "SIGNED seals are committed as always");
            Verdict v = new SealVerifier(trust()).verify(SealBundle.parse(r.getSealBundleJson()), Optional.empty());
            assertTrue(v.valid(), "an untimestamped checkpoint still anchors its seals: " + v.detail());
            assertTrue(log.getCheckpoint(GetCheckpointRequest.newBuilder().setTreeSize(size).build()).getTimestampToken().isEmpty());
            assertTrue(refused.get() > 0, "the TSA was asked");
            given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'timestamps' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'timestamps' }.data.state", equalTo("degraded"));
        } finally {
            timestamps.interpose(UnaryOperator.identity());
        }
        timestamps.catchUpNow();
        Checkpoint cp = null;
        for (int i = 0; i < 300; i++) {
            cp = log.getCheckpoint(GetCheckpointRequest.newBuilder().setTreeSize(size).build());
            if (!cp.getTimestampToken().isEmpty() && timestamps.status().untimestamped() == 0 && !timestamps.status().degraded()) {
                break;
            }
            Thread.sleep(100);
        }
        assertFalse(cp.getTimestampToken().isEmpty(), "the catch-up stamped the checkpoint");
        assertFalse(timestamps.status().degraded(), timestamps.status().toString());
        given().get("/q/health/ready").then().statusCode(200).body("checks.find { it.name == 'timestamps' }.data.state", equalTo("ok"));
        var anchor = log.getInclusionProof(GetInclusionProofRequest.newBuilder().setLeafIndex(size - 1).setTreeSize(size).build());
        assertEquals(cp.getTimestampToken(), anchor.getCheckpointTimestamp(), "proofs now carry the token");
    }

    @Test
    void sweep_checksEveryToken_andReportsAChangedOne() throws Exception {
        SealResponse r = seals.seal(Grpc.request("swept-stamp").setMode(SealMode.ANCHORED).build());
        long size = r.getAnchor().getTreeSize();
        IntegritySweepReport clean = log.runIntegritySweep(RunIntegritySweepRequest.getDefaultInstance());
        assertTrue(clean.getClean(), clean.getFindingsList().toString());
        assertTrue(clean.getTimestampsChecked() > 0);
        byte[] original = r.getAnchor().getCheckpointTimestamp().toByteArray();
        byte[] changed = original.clone();
        changed[changed.length - 3] ^= 1;
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
            st.execute("set session_replication_role = replica");
            st.executeUpdate("update checkpoint_timestamps set token = decode('" + java.util.HexFormat.of().formatHex(changed) + "', 'hex') where tree_size = " + size);
        }
        try {
            IntegritySweepReport tampered = log.runIntegritySweep(RunIntegritySweepRequest.getDefaultInstance());
            assertTrue(tampered.getFindingsList().stream().anyMatch(f -> f.getTable().equals("checkpoint_timestamps") && f.getRow().equals("tree_size " + size)),
                    tampered.getFindingsList().toString());
            // and the service no longer hands it out
            var anchor = log.getInclusionProof(GetInclusionProofRequest.newBuilder().setLeafIndex(r.getAnchor().getLeafIndex()).setTreeSize(size).build());
            assertTrue(anchor.getCheckpointTimestamp().isEmpty());
        } finally {
            try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
                st.execute("set session_replication_role = replica");
                st.executeUpdate("update checkpoint_timestamps set token = decode('" + java.util.HexFormat.of().formatHex(original) + "', 'hex') where tree_size = " + size);
            }
        }
        assertTrue(log.runIntegritySweep(RunIntegritySweepRequest.getDefaultInstance()).getClean());
        assertEquals(Base64.getEncoder().encodeToString(original), Base64.getEncoder().encodeToString(
                log.getCheckpoint(GetCheckpointRequest.newBuilder().setTreeSize(size).build()).getTimestampToken().toByteArray()));
    }

    record Cli(int rc, String out) {
    }

    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = SealerCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int rc = cli.execute(args);
        return new Cli(rc, out.toString());
    }
}
