package dev.sealer.tsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import dev.sealer.grpc.v1.Checkpoint;
import dev.sealer.grpc.v1.GetCheckpointRequest;
import dev.sealer.grpc.v1.GetInclusionProofRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.OwnDatabaseProfile;
import dev.sealer.testing.TestHsm;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An external TSA configured by URL with its own trust anchors: the checkpoint path is the same.
 * The "external" TSA here is this service's own RFC 3161 HTTP transport on a fixed port, trusted
 * through the ceremony's root certificate file, so the HTTP client, the reply checks and the
 * anchor-based trust are the ones an outside TSA would meet.
 */
@QuarkusTest
@TestProfile(ExternalTsaTest.Profile.class)
class ExternalTsaTest {
    static final int HTTP_PORT = 9151;

    public static class Profile extends OwnDatabaseProfile {
        @Override
        protected String database() {
            return "sealer_external_tsa";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("quarkus.http.test-port", String.valueOf(HTTP_PORT));
            m.put("sealer.tsa.checkpoint-authorities", "external");
            m.put("sealer.tsa.external.url", "http://localhost:" + HTTP_PORT + "/tsa");
            m.put("sealer.tsa.external.name", "loopback-tsa");
            m.put("sealer.tsa.external.trust-anchors", TestHsm.get().dir().resolve(TestHsm.GOOD + "-root.pem").toString());
            return m;
        }
    }

    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient
    LogServiceGrpc.LogServiceBlockingStub log;
    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;

    @Test
    void checkpoints_areStampedByTheExternalTsaOverHttp_andVerifyUnderItsAnchors() throws Exception {
        TrustBundle trust = TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
        assertEquals(2, trust.timestampAuthorities().size(), "the built-in TSA and the external one");
        var external = trust.timestampAuthorities().stream().filter(t -> t.name().equals("loopback-tsa")).findFirst().orElseThrow();
        assertFalse(external.rootIssued());
        assertEquals(1, external.anchors().size());

        SealResponse r = seals.seal(Grpc.request("externally-stamped").setMode(SealMode.ANCHORED).build());
        long size = r.getAnchor().getTreeSize();
        Checkpoint cp = null;
        for (int i = 0; i < 300; i++) {
            cp = log.getCheckpoint(GetCheckpointRequest.newBuilder().setTreeSize(size).build());
            if (!cp.getTimestampToken().isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        assertFalse(cp.getTimestampToken().isEmpty(), "the checkpoint got a token from the external TSA");
        assertEquals("loopback-tsa", cp.getTimestampAuthority());

        var a = log.getInclusionProof(GetInclusionProofRequest.newBuilder().setLeafIndex(r.getAnchor().getLeafIndex()).setTreeSize(size).build());
        SealBundle bundle = SealBundle.parse(r.getSealBundleJson());
        SealBundle stamped = new SealBundle(bundle.receipt(), bundle.signature(), bundle.anchor().withCheckpointTimestamp(a.getCheckpointTimestamp().toByteArray()));
        Verdict v = new SealVerifier(trust).verify(stamped, Optional.empty());
        assertTrue(v.valid(), v.detail());
        assertTrue(v.detail().contains("time-stamped"), v.detail());

        // a verifier that trusts only the external TSA's anchors accepts it too: the anchor path, no root-issued entry needed
        TrustBundle onlyExternal = new TrustBundle(trust.authority(), trust.root(), trust.suites(), trust.issuedAt(), trust.statusList(),
                trust.rootChain(), java.util.List.of(external));
        Verdict ev = new SealVerifier(onlyExternal).verify(stamped, Optional.empty());
        assertTrue(ev.valid(), ev.detail());
        assertTrue(ev.detail().contains("by loopback-tsa"), ev.detail());
    }
}
