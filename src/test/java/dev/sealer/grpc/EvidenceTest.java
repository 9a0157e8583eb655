package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.app.log.TransparencyLog;
import dev.sealer.cli.SealerCli;
import dev.sealer.core.evidence.EvidencePackage;
import dev.sealer.core.evidence.EvidenceVerifier;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.grpc.v1.AuditServiceGrpc;
import dev.sealer.grpc.v1.EvidenceReason;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListAuditEventsRequest;
import dev.sealer.grpc.v1.MaterializeEvidenceRequest;
import dev.sealer.grpc.v1.MaterializeEvidenceResponse;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.OwnDatabaseProfile;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MaterializeEvidence end to end on the real service: a seal and its parent, anchored in one
 * checkpoint and followed by a later one, come back as one signed package that the offline
 * verifier (and {@code sealer verify-evidence}) accepts with nothing but the trust bundle, with
 * an inclusion proof and a consistency proof per seal; the materialization is in the audit trail
 * when the answer arrives; a seal no checkpoint covers yet is PARTIAL_EVIDENCE, or a package
 * marked incomplete that the verifier refuses.
 */
@QuarkusTest
@TestProfile(EvidenceTest.Profile.class)
class EvidenceTest {
    public static class Profile extends OwnDatabaseProfile {
        @Override
        protected String database() {
            return "sealer_evidence";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("sealer.log.checkpoint-max-delay", "1h"); // checkpoints only when a test (or an ANCHORED seal) asks
            return m;
        }
    }

    @GrpcClient("seals")
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient("seals")
    AuditServiceGrpc.AuditServiceBlockingStub audit;
    @GrpcClient("seals")
    KeyServiceGrpc.KeyServiceBlockingStub keys;
    @Inject
    TransparencyLog log;

    @Test
    void sealWithItsParent_materializedSignedAndAudited_verifiesOffline() throws Exception {
        SealResponse parent = seals.seal(Grpc.request("evidence-dataset").build());
        SealResponse child = seals.seal(Grpc.request("evidence-model").addParentSealIds(parent.getSeal().getSealId()).setMode(SealMode.ANCHORED).build());
        SealResponse later = seals.seal(Grpc.request("evidence-later").build());
        // a later checkpoint: the package carries a consistency proof to it. The answer to a SIGNED seal may reach the caller
        // a moment before the log's tree takes its leaf in, so the checkpoint waits until the tree covers it
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (log.size() <= later.getSeal().getLeafIndex() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        log.issueCheckpoint();

        MaterializeEvidenceResponse r = audit.materializeEvidence(MaterializeEvidenceRequest.newBuilder().setSealId(child.getSeal().getSealId())
                .setReason(EvidenceReason.EVIDENCE_REASON_REGULATOR).setIncludeLineage(true).build());
        assertTrue(r.getComplete());
        assertEquals(1, r.getSealCount());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(r.getPackageJson().toByteArray()), r.getPackageSha256().toByteArray());

        TrustBundle trust = TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
        EvidenceVerifier.Report report = EvidenceVerifier.verify(r.getPackageJson().toByteArray(), trust);
        assertTrue(report.allValid(), () -> report.packageVerdict() + " " + report.seals());
        assertEquals(2, report.seals().size(), "the seal and its parent");
        assertEquals(child.getSeal().getSealId(), report.seals().get(0).sealId());
        assertEquals("ancestor", report.seals().get(1).role());
        assertEquals(parent.getSeal().getSealId(), report.seals().get(1).sealId());
        EvidencePackage.Body body = report.body();
        assertEquals("regulator", body.reason());
        assertTrue(body.items().stream().allMatch(i -> i.anchor() != null && !i.consistency().isEmpty()), "inclusion and consistency proofs per seal");
        assertFalse(trust.timestampAuthorities().isEmpty(), "the test authority runs its built-in TSA");
        assertTrue(body.items().stream().allMatch(i -> i.anchor().checkpointTimestamp() != null), "each anchoring checkpoint's time-stamp token");
        assertArrayEquals(child.getSeal().getReceiptJson().toByteArray(), body.items().get(0).receipt(), "the exact signed receipt bytes");

        // the audit trail has it already: who, what, why, and the digest of exactly this package
        var events = audit.listAuditEvents(ListAuditEventsRequest.newBuilder().setAction("sealer.v1.AuditService/MaterializeEvidence").build());
        String digest = HexFormat.of().formatHex(r.getPackageSha256().toByteArray());
        assertTrue(events.getEventsList().stream().anyMatch(e -> e.getDetail().contains("package_sha256=" + digest) && e.getDetail().contains("reason=regulator")
                && e.getTarget().equals("seal " + child.getSeal().getSealId())), () -> events.getEventsList().toString());

        // the offline command: exit 0 on the package, 2 on one with a byte of the body changed
        Path dir = Files.createTempDirectory("evidence");
        Path bundle = Files.writeString(dir.resolve("trust.json"), trust.toJson());
        Path pkg = Files.write(dir.resolve("evidence.json"), r.getPackageJson().toByteArray());
        assertEquals(0, SealerCli.run("verify-evidence", "--trust-bundle", bundle.toString(), pkg.toString()));
        EvidencePackage.Envelope e = EvidencePackage.Envelope.parse(r.getPackageJson().toByteArray());
        byte[] changed = EvidencePackage.text(e.body()).replace("\"reason\":\"regulator\"", "\"reason\":\"audit\"").getBytes(StandardCharsets.UTF_8);
        Path forged = Files.writeString(dir.resolve("forged.json"), new EvidencePackage.Envelope(changed, e.suiteId(), e.signature()).toJson());
        assertEquals(2, SealerCli.run("verify-evidence", "--trust-bundle", bundle.toString(), forged.toString()));

        // `sealer evidence` asks the running service the same way, for a query
        int port = org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue("quarkus.grpc.server.test-port", Integer.class).orElse(9001);
        Path byRequest = dir.resolve("by-request.json");
        assertEquals(0, SealerCli.run("evidence", "--server", "localhost:" + port, "--plaintext", "--request-id", parent.getSeal().getRequestId(),
                "--reason", "legal-hold", "--out", byRequest.toString()));
        assertEquals(0, SealerCli.run("verify-evidence", "--trust-bundle", bundle.toString(), byRequest.toString()));
        assertEquals("legal-hold", EvidenceVerifier.verify(Files.readAllBytes(byRequest), trust).body().reason());
    }

    @Test
    void sealNoCheckpointCoversYet_isPartialEvidence_orAPackageMarkedIncomplete() {
        log.issueCheckpoint();
        SealResponse fresh = seals.seal(Grpc.request("evidence-fresh").build());
        MaterializeEvidenceRequest.Builder q = MaterializeEvidenceRequest.newBuilder().setRequestId(fresh.getSeal().getRequestId())
                .setReason(EvidenceReason.EVIDENCE_REASON_INCIDENT);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> audit.materializeEvidence(q.build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, Grpc.code(e));
        assertEquals("PARTIAL_EVIDENCE", Grpc.reason(e));
        assertTrue(e.getStatus().getDescription().contains(fresh.getSeal().getSealId()), e.getStatus().getDescription());

        MaterializeEvidenceResponse partial = audit.materializeEvidence(q.setAllowPartial(true).build());
        assertFalse(partial.getComplete());
        TrustBundle trust = TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
        EvidenceVerifier.Report report = EvidenceVerifier.verify(partial.getPackageJson().toByteArray(), trust);
        assertFalse(report.allValid());
        assertEquals(dev.sealer.core.error.Reason.PARTIAL_EVIDENCE, report.packageVerdict().reason());
    }

    @Test
    void requestWithoutAReasonOrTarget_isInvalidArgument() {
        StatusRuntimeException noReason = assertThrows(StatusRuntimeException.class,
                () -> audit.materializeEvidence(MaterializeEvidenceRequest.newBuilder().setSubject("models/x").build()));
        assertEquals("INVALID_ARGUMENT", Grpc.reason(noReason));
        StatusRuntimeException noTarget = assertThrows(StatusRuntimeException.class,
                () -> audit.materializeEvidence(MaterializeEvidenceRequest.newBuilder().setReason(EvidenceReason.EVIDENCE_REASON_AUDIT).build()));
        assertEquals("INVALID_ARGUMENT", Grpc.reason(noTarget));
    }
}
