package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sealer.cli.SealerCli;
import dev.sealer.core.error.Reason;
import dev.sealer.core.merkle.MerkleVerifier;
import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import dev.sealer.grpc.v1.Anchor;
import dev.sealer.grpc.v1.Checkpoint;
import dev.sealer.grpc.v1.ConsistencyProof;
import dev.sealer.grpc.v1.GetCheckpointRequest;
import dev.sealer.grpc.v1.GetConsistencyProofRequest;
import dev.sealer.grpc.v1.GetInclusionProofRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.IntegritySweepReport;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.RunIntegritySweepRequest;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The transparency log over gRPC: anchored sealing, checkpoints, proofs, and the integrity sweep. */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class LogServiceTest {
    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient
    LogServiceGrpc.LogServiceBlockingStub log;
    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;
    @GrpcClient("seals")
    io.grpc.Channel channel;

    TrustBundle trust() {
        return TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
    }

    @Test
    void anchoredSeal_carriesNoSignatureButAnInclusionProofAndCheckpoint_thatVerifyOffline() {
        SealResponse r = seals.seal(Grpc.request("anchored-weights").setMode(SealMode.ANCHORED).build());
        assertTrue(r.getSeal().getEd25519Signature().isEmpty() && r.getSeal().getMlDsaSignature().isEmpty());
        assertTrue(r.hasAnchor());
        assertTrue(r.getAnchor().getLeafIndex() < r.getAnchor().getTreeSize());
        SealBundle bundle = SealBundle.parse(r.getSealBundleJson());
        Verdict v = new SealVerifier(trust()).verify(bundle, Optional.of(dev.sealer.testing.TestAuthority.sha256("anchored-weights")));
        assertTrue(v.valid(), v.detail());

        var a = bundle.anchor();
        List<byte[]> bad = new ArrayList<>(a.inclusionProof());
        if (!bad.isEmpty()) {
            byte[] first = bad.getFirst().clone();
            first[0] ^= 1;
            bad.set(0, first);
            var tampered = new SealBundle(bundle.receipt(), bundle.signature(),
                    new dev.sealer.core.log.Anchor(a.leafIndex(), a.treeSize(), bad, a.checkpointNote(), a.checkpointSuiteId()));
            assertEquals(Reason.MERKLE_PROOF_INVALID, new SealVerifier(trust()).verify(tampered, Optional.empty()).reason());
        }
        String stripped = a.checkpointNote().replaceAll("(?m)^\u2014 [^ ]+/ml-dsa-65 .*\n", "");
        var noPq = new SealBundle(bundle.receipt(), bundle.signature(),
                new dev.sealer.core.log.Anchor(a.leafIndex(), a.treeSize(), a.inclusionProof(), stripped, a.checkpointSuiteId()));
        assertEquals(Reason.SIGNATURE_INVALID, new SealVerifier(trust()).verify(noPq, Optional.empty()).reason());

        var byId = seals.verify(VerifyRequest.newBuilder().setSealId(r.getSeal().getSealId()).setDigest(Grpc.digest("anchored-weights")).build());
        assertEquals(dev.sealer.grpc.v1.Verdict.VALID, byId.getVerdict(), byId.getDetail());
    }

    @Test
    void manyConcurrentAnchoredSeals_shareFewCheckpoints() throws Exception {
        var async = SealServiceGrpc.newFutureStub(seals.getChannel());
        List<com.google.common.util.concurrent.ListenableFuture<SealResponse>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fs.add(async.seal(Grpc.request("batch-" + i).setMode(SealMode.ANCHORED).build()));
        }
        java.util.Set<Long> sizes = new java.util.HashSet<>();
        for (var f : fs) {
            SealResponse r = f.get(60, TimeUnit.SECONDS);
            sizes.add(r.getAnchor().getTreeSize());
        }
        assertTrue(sizes.size() < 200, "one checkpoint signature serves many seals, got " + sizes.size() + " checkpoints");
    }

    @Test
    void inclusionAndConsistencyProofs_fromTheService_verifyWithThePureVerifier() {
        SealResponse first = seals.seal(Grpc.request("proof-a").setMode(SealMode.ANCHORED).build());
        Checkpoint cp1 = log.getCheckpoint(GetCheckpointRequest.newBuilder().setTreeSize(first.getAnchor().getTreeSize()).build());
        SealResponse second = seals.seal(Grpc.request("proof-b").setMode(SealMode.ANCHORED).build());
        Checkpoint cp2 = log.getCheckpoint(GetCheckpointRequest.getDefaultInstance());
        assertTrue(cp2.getTreeSize() > cp1.getTreeSize());
        assertTrue(cp2.getNote().contains("\n" + cp2.getTreeSize() + "\n"));

        Anchor proof = log.getInclusionProof(GetInclusionProofRequest.newBuilder().setSealId(first.getSeal().getSealId()).build());
        assertEquals(cp2.getTreeSize(), proof.getTreeSize());
        MerkleVerifier.verifyInclusion(proof.getLeafIndex(), proof.getTreeSize(), Rfc6962.leafHash(first.getSeal().getReceiptJson().toByteArray()),
                proof.getInclusionProofList().stream().map(ByteString::toByteArray).toList(), cp2.getRootHash().toByteArray());

        ConsistencyProof c = log.getConsistencyProof(GetConsistencyProofRequest.newBuilder().setFromSize(cp1.getTreeSize()).setToSize(cp2.getTreeSize()).build());
        MerkleVerifier.verifyConsistency(cp1.getTreeSize(), cp2.getTreeSize(), c.getProofList().stream().map(ByteString::toByteArray).toList(),
                cp1.getRootHash().toByteArray(), cp2.getRootHash().toByteArray());
        assertTrue(second.hasAnchor());
    }

    @Test
    void oneVerifier_remembersOnlyTheExactCheckpointTextThatVerified_soATamperedNoteIsStillRejected() {
        SealResponse r = seals.seal(Grpc.request("anchored-cache").setMode(SealMode.ANCHORED).build());
        SealBundle bundle = SealBundle.parse(r.getSealBundleJson());
        SealVerifier verifier = new SealVerifier(trust());
        var digest = Optional.of(dev.sealer.testing.TestAuthority.sha256("anchored-cache"));
        assertTrue(verifier.verify(bundle, digest).valid());
        var a = bundle.anchor();
        String note = a.checkpointNote();
        int sigAt = note.lastIndexOf(' ') + 5; // inside the base64 of the last signature line
        char flipped = note.charAt(sigAt) == 'A' ? 'B' : 'A';
        String tampered = note.substring(0, sigAt) + flipped + note.substring(sigAt + 1);
        var bad = new SealBundle(bundle.receipt(), bundle.signature(),
                new dev.sealer.core.log.Anchor(a.leafIndex(), a.treeSize(), a.inclusionProof(), tampered, a.checkpointSuiteId()));
        assertEquals(Reason.SIGNATURE_INVALID, verifier.verify(bad, digest).reason());
        assertTrue(verifier.verify(bundle, digest).valid());
        assertEquals(Reason.SIGNATURE_INVALID, verifier.verify(bad, digest).reason());
    }

    @Test
    void compactAnchoredStream_sendsEachCheckpointOnce_noBundles_andEveryAnswerStillVerifiesOffline() throws Exception {
        SealServiceGrpc.SealServiceStub async = SealServiceGrpc.newStub(channel);
        List<SealResponse> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> done = new CompletableFuture<>();
        var in = async.sealStream(new io.grpc.stub.StreamObserver<>() {
            public void onNext(SealResponse r) { answers.add(r); }
            public void onError(Throwable t) { done.completeExceptionally(t); }
            public void onCompleted() { done.complete(null); }
        });
        for (int i = 0; i < 200; i++) {
            in.onNext(Grpc.request("compact-" + i).setMode(SealMode.ANCHORED).setCompact(true).build());
        }
        in.onCompleted();
        done.get(60, TimeUnit.SECONDS);
        assertEquals(200, answers.size());
        java.util.Map<Long, String> notes = new java.util.HashMap<>();
        int withText = 0;
        TrustBundle trust = trust();
        for (int i = 0; i < answers.size(); i++) {
            SealResponse r = answers.get(i);
            assertTrue(r.getSealBundleJson().isEmpty(), "a compact answer carries no bundle JSON");
            var a = r.getAnchor();
            if (!a.getCheckpoint().isEmpty()) {
                withText++;
                notes.put(a.getTreeSize(), a.getCheckpoint());
            }
            String note = notes.get(a.getTreeSize());
            assertTrue(note != null, "answer " + i + " at tree size " + a.getTreeSize() + " came before its checkpoint text");
            // assemble the bundle a compact caller builds itself, and verify it offline
            var receipt = dev.sealer.core.seal.Receipt.parse(r.getSeal().getReceiptJson().toByteArray());
            var anchor = new dev.sealer.core.log.Anchor(a.getLeafIndex(), a.getTreeSize(),
                    a.getInclusionProofList().stream().map(com.google.protobuf.ByteString::toByteArray).toList(), note, a.getCheckpointSuiteId());
            var bundle = new SealBundle(receipt, new dev.sealer.core.suite.DualSignature(null, null), anchor);
            Verdict v = new SealVerifier(trust).verify(bundle, Optional.of(dev.sealer.testing.TestAuthority.sha256("compact-" + i)));
            assertTrue(v.valid(), v.detail());
        }
        assertTrue(withText < answers.size(), "200 anchored seals share checkpoints, so some answers omit the text");
        assertEquals(notes.size(), withText, "each checkpoint's text is sent once per stream");
    }

    @Test
    void sweep_isCleanUntilAReceiptIsTamperedInTheDatabase_thenReportsItsSealId() throws Exception {
        SealResponse victim = seals.seal(Grpc.request("sweep-victim").build());
        IntegritySweepReport clean = log.runIntegritySweep(RunIntegritySweepRequest.getDefaultInstance());
        assertTrue(clean.getClean(), clean.getFindingsList().toString());
        assertTrue(clean.getReceiptsChecked() > 0);

        String where = " where seal_id = '" + victim.getSeal().getSealId() + "'";
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
            st.execute("set session_replication_role = replica"); // superuser: WORM triggers off for this session
            st.executeUpdate("update receipts set subject = replace(subject, 'sweep-victim', 'sweep-victin')" + where);
        }
        try {
            IntegritySweepReport tampered = log.runIntegritySweep(RunIntegritySweepRequest.getDefaultInstance());
            assertFalse(tampered.getClean());
            assertTrue(tampered.getFindingsList().stream().anyMatch(f -> f.getReason().equals("ANCHOR_MISMATCH") && f.getTable().equals("receipts")
                    && f.getSealId().equals(victim.getSeal().getSealId())), tampered.getFindingsList().toString());

            // the same sweep from the command line, in its own process, is ForgedRowIT's
        } finally {
            try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
                st.execute("set session_replication_role = replica"); // put the row back: other tests share this database
                st.executeUpdate("update receipts set subject = replace(subject, 'sweep-victin', 'sweep-victim')" + where);
            }
        }
    }
}
