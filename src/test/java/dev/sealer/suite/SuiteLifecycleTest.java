package dev.sealer.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteKeys;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import dev.sealer.grpc.v1.GetInclusionProofRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListAffectedSealsRequest;
import dev.sealer.grpc.v1.ListSuitesRequest;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.ResealAffectedRequest;
import dev.sealer.grpc.v1.ResealAffectedResponse;
import dev.sealer.grpc.v1.RevokeSuiteRequest;
import dev.sealer.grpc.v1.RotateSuiteRequest;
import dev.sealer.grpc.v1.RotateSuiteResponse;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Suite;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import dev.sealer.hsm.Pkcs11Hsm;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.OwnDatabaseProfile;
import dev.sealer.testing.TestClock;
import dev.sealer.testing.TestHsm;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The suite lifecycle driven by the service clock: rotation, overlap, retirement, revocation
 * with compromised_since, re-sealing, and the same verdicts from the service and the offline
 * verifier for every case.
 */
@QuarkusTest
@TestProfile(OwnDatabaseProfile.class)
class SuiteLifecycleTest {
    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;
    @GrpcClient
    LogServiceGrpc.LogServiceBlockingStub log;

    @AfterEach
    void resetClock() {
        TestClock.reset();
    }

    String active() {
        return keys.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList().stream().filter(s -> s.getStatus().equals("ACTIVE"))
                .findFirst().orElseThrow().getSuiteId();
    }

    Map<String, String> statuses() {
        Map<String, String> m = new LinkedHashMap<>();
        keys.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList().forEach(s -> m.put(s.getSuiteId(), s.getStatus()));
        return m;
    }

    SealResponse seal(String content, SealMode mode) {
        return seals.seal(Grpc.request(content).setMode(mode).build());
    }

    void awaitStatus(String suite, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!status.equals(statuses().get(suite)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(status, statuses().get(suite), "suite " + suite + " in " + statuses());
    }

    @Test
    void lifecycle_rotateOverlapRetireRevokeReseal_serviceAndOfflineVerifierAgreeOnEveryVerdict() throws Exception {
        Map<String, SealRecord> cases = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        String s1 = active();
        cases.put("signed under S1", seal("a", SealMode.SIGNED).getSeal());
        expected.put("signed under S1", "VALID");
        cases.put("anchored under S1", seal("b", SealMode.ANCHORED).getSeal());
        expected.put("anchored under S1", "VALID");

        // manual rotation; a second rotation guarded by the old active suite is a no-op (the race rule)
        TestClock.advance(Duration.ofDays(10));
        RotateSuiteResponse r1 = keys.rotateSuite(RotateSuiteRequest.newBuilder().setExpectedActiveSuiteId(s1).build());
        assertTrue(r1.getRotated());
        String s2 = r1.getActiveSuiteId();
        RotateSuiteResponse again = keys.rotateSuite(RotateSuiteRequest.newBuilder().setExpectedActiveSuiteId(s1).build());
        assertFalse(again.getRotated());
        assertEquals(s2, again.getActiveSuiteId());
        assertEquals("OVERLAP", statuses().get(s1));
        cases.put("signed under S2", seal("c", SealMode.SIGNED).getSeal());
        expected.put("signed under S2", "VALID");

        // a forged seal with S1's key after S1 stopped signing (the key is derived here from the test token's root)
        TestClock.advance(Duration.ofSeconds(5));
        cases.put("S1 key used after its signing ended", forge(s1, TestClock.now()));
        expected.put("S1 key used after its signing ended", "OUTSIDE_VALIDITY");

        // past S1's overlap window and S2's signing window: scheduled rotation and retirement
        TestClock.advance(Duration.ofDays(390));
        awaitStatus(s1, "RETIRED");
        awaitStatus(s2, "OVERLAP");
        String s3 = active();
        assertFalse(s3.equals(s2));

        // revocation of the active suite with compromised_since between two seals
        SealRecord before = seal("d1", SealMode.SIGNED).getSeal();
        seal("d1-anchor", SealMode.ANCHORED); // a checkpoint signed now covers d1
        cases.put("S3 seal anchored before the compromise", before);
        expected.put("S3 seal anchored before the compromise", "VALID");
        TestClock.advance(Duration.ofDays(1));
        Instant compromisedSince = TestClock.now().minus(Duration.ofHours(12));
        SealRecord after = seal("d2", SealMode.SIGNED).getSeal();
        cases.put("S3 seal after the compromise", after);
        expected.put("S3 seal after the compromise", "SUITE_REVOKED");
        keys.revokeSuite(RevokeSuiteRequest.newBuilder().setSuiteId(s3).setCompromisedSince(compromisedSince.toString()).setReason("key leak drill").build());
        assertEquals("REVOKED", statuses().get(s3));
        String s4 = active();
        assertFalse(s4.equals(s3));

        List<String> affected = keys.listAffectedSeals(ListAffectedSealsRequest.newBuilder().setSuiteId(s3).build()).getSealsList().stream()
                .map(SealRecord::getSealId).toList();
        assertTrue(affected.contains(after.getSealId()), "d2 is affected");
        assertFalse(affected.contains(before.getSealId()), "d1 was anchored before the compromise");

        ResealAffectedResponse resealed = keys.resealAffected(ResealAffectedRequest.newBuilder().setSuiteId(s3).build());
        var link = resealed.getResealsList().stream().filter(x -> x.getOldSealId().equals(after.getSealId())).findFirst().orElseThrow();
        ResealAffectedResponse rerun = keys.resealAffected(ResealAffectedRequest.newBuilder().setSuiteId(s3).build());
        assertTrue(rerun.getResealsList().contains(link), "re-sealing is idempotent");
        SealRecord fresh = seals.getSeal(dev.sealer.grpc.v1.GetSealRequest.newBuilder().setSealId(link.getNewSealId()).build());
        assertEquals(s4, fresh.getSuiteId());
        assertTrue(fresh.getReceiptJson().toStringUtf8().contains("\"resealed_from\":\"" + after.getSealId() + "\""));
        cases.put("re-seal of d2 under S4", fresh);
        expected.put("re-seal of d2 under S4", "VALID");

        // every verdict, from the service and from the offline verifier with the published trust bundle
        TrustBundle trust = TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
        SealVerifier offline = new SealVerifier(trust);
        List<String> mismatches = new ArrayList<>();
        for (var e : cases.entrySet()) {
            SealRecord seal = e.getValue();
            VerifyResponse service = seals.verify(VerifyRequest.newBuilder().setSeal(seal).build());
            String serviceVerdict = service.getVerdict() == dev.sealer.grpc.v1.Verdict.VALID ? "VALID" : service.getReason();
            Receipt receipt = Receipt.parse(seal.getReceiptJson().toByteArray());
            DualSignature sig = new DualSignature(seal.getEd25519Signature().isEmpty() ? null : seal.getEd25519Signature().toByteArray(),
                    seal.getMlDsaSignature().isEmpty() ? null : seal.getMlDsaSignature().toByteArray());
            dev.sealer.core.log.Anchor anchor = null;
            try {
                var a = log.getInclusionProof(GetInclusionProofRequest.newBuilder().setSealId(seal.getSealId()).setEarliest(true).build());
                anchor = new dev.sealer.core.log.Anchor(a.getLeafIndex(), a.getTreeSize(), a.getInclusionProofList().stream().map(ByteString::toByteArray).toList(),
                        a.getCheckpoint(), a.getCheckpointSuiteId(), a.getCheckpointTimestamp().isEmpty() ? null : a.getCheckpointTimestamp().toByteArray());
            } catch (io.grpc.StatusRuntimeException notInLog) {
                // the forged seal was never logged
            }
            Verdict v = offline.verify(SealBundle.parse(new SealBundle(receipt, sig, anchor).toJson()), Optional.empty());
            String offlineVerdict = v.valid() ? "VALID" : v.reason().name();
            if (!serviceVerdict.equals(expected.get(e.getKey())) || !offlineVerdict.equals(expected.get(e.getKey()))) {
                mismatches.add(e.getKey() + ": expected " + expected.get(e.getKey()) + ", service " + serviceVerdict + " (" + service.getDetail()
                        + "), offline " + offlineVerdict + " (" + v.detail() + ")");
            }
        }
        assertEquals(List.of(), mismatches);
    }

    /** A receipt signed with a suite's real operational keys (derived from the test token's root), never stored. */
    private SealRecord forge(String suiteId, Instant committedAt) {
        Pkcs11Hsm hsm = Pkcs11Hsm.open(TestHsm.get().config(TestHsm.GOOD));
        try (SuiteKeys k = SuiteKeys.operational(hsm.rootKey(), suiteId, SignatureAlgorithm.ML_DSA_65)) {
            Receipt r = new Receipt(UUID.randomUUID(), "forged-" + UUID.randomUUID(), dev.sealer.testing.TestAuthority.sha256("forged"), "forged",
                    dev.sealer.core.seal.Stage.OTHER, new java.util.TreeMap<>(), List.of(), suiteId, committedAt, "attacker");
            byte[] canonical = r.canonicalBytes();
            DualSignature s = k.sign(SignedMessage.receipt(canonical));
            return SealRecord.newBuilder().setSealId(r.sealId().toString()).setSuiteId(suiteId).setReceiptJson(ByteString.copyFrom(canonical))
                    .setEd25519Signature(ByteString.copyFrom(s.ed25519())).setMlDsaSignature(ByteString.copyFrom(s.mlDsa())).build();
        }
    }
}
