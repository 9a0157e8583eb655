package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sealer.cli.SealerCli;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.ListSealsResponse;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Seal and Verify end to end over a real gRPC channel, real PostgreSQL and a real SoftHSM2 token. */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class SealServiceTest {
    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;

    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;

    @GrpcClient("seals")
    io.grpc.Channel channel;

    @Test
    void seal_thenVerifyWithTheSameDigest_isValid() {
        SealResponse sealed = seals.seal(Grpc.request("weights-v1").build());
        VerifyResponse v = seals.verify(VerifyRequest.newBuilder().setSeal(sealed.getSeal()).setDigest(Grpc.digest("weights-v1")).build());
        assertEquals(Verdict.VALID, v.getVerdict(), v.getDetail());
        VerifyResponse byId = seals.verify(VerifyRequest.newBuilder().setSealId(sealed.getSeal().getSealId()).setDigest(Grpc.digest("weights-v1")).build());
        assertEquals(Verdict.VALID, byId.getVerdict(), byId.getDetail());
        assertEquals(64, sealed.getSeal().getEd25519Signature().size());
        assertEquals(3309, sealed.getSeal().getMlDsaSignature().size());
    }

    @Test
    void verify_withAnotherArtifactDigest_isInvalidAnchorMismatch() {
        SealResponse sealed = seals.seal(Grpc.request("dataset-a").build());
        VerifyResponse v = seals.verify(VerifyRequest.newBuilder().setSeal(sealed.getSeal()).setDigest(Grpc.digest("dataset-b")).build());
        assertEquals(Verdict.INVALID, v.getVerdict());
        assertEquals("ANCHOR_MISMATCH", v.getReason());
    }

    @Test
    void verify_withTamperedSignatureOrReceipt_isInvalidSignatureInvalid() {
        SealRecord seal = seals.seal(Grpc.request("eval-report").build()).getSeal();
        byte[] sig = seal.getMlDsaSignature().toByteArray();
        sig[100] ^= 1;
        VerifyResponse v = seals.verify(VerifyRequest.newBuilder().setSeal(seal.toBuilder().setMlDsaSignature(ByteString.copyFrom(sig))).build());
        assertEquals("SIGNATURE_INVALID", v.getReason());
        VerifyResponse stripped = seals.verify(VerifyRequest.newBuilder().setSeal(seal.toBuilder().clearEd25519Signature()).build());
        assertEquals("SIGNATURE_INVALID", stripped.getReason());
        String receipt = seal.getReceiptJson().toStringUtf8().replace("\"stage\":\"training\"", "\"stage\":\"deployment\"");
        VerifyResponse forged = seals.verify(VerifyRequest.newBuilder().setSeal(seal.toBuilder().setReceiptJson(ByteString.copyFromUtf8(receipt))).build());
        assertEquals("SIGNATURE_INVALID", forged.getReason());
    }

    @Test
    void sealBundle_isVerifiedOfflineFromTheTrustBundleAlone(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        SealResponse sealed = seals.seal(Grpc.request("model-card").build());
        Path bundle = Files.writeString(dir.resolve("seal.json"), sealed.getSealBundleJson());
        Path trust = Files.writeString(dir.resolve("trust.json"), keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
        Path artifact = Files.writeString(dir.resolve("artifact.bin"), "model-card");
        Path other = Files.writeString(dir.resolve("other.bin"), "model-card (edited)");

        assertEquals(0, offline("verify", "--seal", bundle.toString(), "--trust-bundle", trust.toString(), "--file", artifact.toString()));
        StringWriter out = new StringWriter();
        assertEquals(2, offline(out, "verify", "--seal", bundle.toString(), "--trust-bundle", trust.toString(), "--file", other.toString()));
        assertTrue(out.toString().startsWith("INVALID ANCHOR_MISMATCH"), out.toString());
        assertEquals(1, offline("verify", "--seal", dir.resolve("missing.json").toString(), "--trust-bundle", trust.toString()));
    }

    @Test
    void seal_repeatedRequestIdWithSameDigest_returnsTheOriginalSeal() {
        SealRequest request = Grpc.request("checkpoint-7").build();
        SealResponse first = seals.seal(request);
        SealResponse again = seals.seal(request);
        assertEquals(first.getSeal().getSealId(), again.getSeal().getSealId());
        assertEquals(first.getSeal().getReceiptJson(), again.getSeal().getReceiptJson());
        assertFalse(first.getReplayed());
        assertTrue(again.getReplayed());
    }

    @Test
    void seal_repeatedRequestIdWithAnotherDigest_isAlreadyExistsRequestIdConflict() {
        SealRequest request = Grpc.request("checkpoint-8").build();
        seals.seal(request);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> seals.seal(request.toBuilder().setDigest(Grpc.digest("checkpoint-8-tampered")).build()));
        assertEquals(Status.Code.ALREADY_EXISTS, Grpc.code(e));
        assertEquals("REQUEST_ID_CONFLICT", Grpc.reason(e));
    }

    @Test
    void seal_withParents_recordsTheDependencyAndGetSealReturnsIt() {
        SealRecord dataset = seals.seal(Grpc.request("dataset").setStage(dev.sealer.grpc.v1.Stage.DATA_PREPARATION).build()).getSeal();
        SealRecord model = seals.seal(Grpc.request("model").addParentSealIds(dataset.getSealId()).build()).getSeal();
        assertTrue(model.getReceiptJson().toStringUtf8().contains("\"parents\":[\"" + dataset.getSealId() + "\"]"));
        assertEquals(model, seals.getSeal(GetSealRequest.newBuilder().setSealId(model.getSealId()).build()));
    }

    @Test
    void getSeal_forUnknownId_isNotFoundUnknownSeal() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> seals.getSeal(GetSealRequest.newBuilder().setSealId(UUID.randomUUID().toString()).build()));
        assertEquals(Status.Code.NOT_FOUND, Grpc.code(e));
        assertEquals("UNKNOWN_SEAL", Grpc.reason(e));
    }

    @Test
    void listSeals_bySubjectSignerRequestIdAndTime_pagesThroughEveryMatch() {
        String subject = "datasets/audit-" + UUID.randomUUID();
        Set<String> sealed = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            sealed.add(seals.seal(Grpc.request("audit-" + i).setSubject(subject).build()).getSeal().getSealId());
        }
        Set<String> listed = new HashSet<>();
        String token = "";
        int pages = 0;
        do {
            ListSealsResponse page = seals.listSeals(ListSealsRequest.newBuilder().setSubject(subject).setPageSize(3).setPageToken(token).build());
            page.getSealsList().forEach(s -> listed.add(s.getSealId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(sealed, listed);
        assertEquals(3, pages);

        SealRecord one = seals.seal(Grpc.request("by-request-id").build()).getSeal();
        assertEquals(List.of(one), seals.listSeals(ListSealsRequest.newBuilder().setRequestId(one.getRequestId()).build()).getSealsList());
        var range = dev.sealer.grpc.v1.TimeRange.newBuilder().setFrom(one.getCommittedAt())
                .setTo(com.google.protobuf.Timestamp.newBuilder().setSeconds(one.getCommittedAt().getSeconds() + 1).build());
        assertTrue(seals.listSeals(ListSealsRequest.newBuilder().setCommitted(range).setPageSize(1000).build()).getSealsList().contains(one));
        assertFalse(seals.listSeals(ListSealsRequest.newBuilder().setSigner("anonymous").setPageSize(5).build()).getSealsList().isEmpty());
    }

    @Test
    void sealStream_answersEveryItemInRequestOrder() throws Exception {
        SealServiceGrpc.SealServiceStub async = SealServiceGrpc.newStub(channel);
        List<SealRequest> requests = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            requests.add(Grpc.request("stream-" + i).build());
        }
        List<SealResponse> responses = java.util.Collections.synchronizedList(new ArrayList<>());
        var done = new java.util.concurrent.CompletableFuture<Void>();
        var in = async.sealStream(new io.grpc.stub.StreamObserver<>() {
            public void onNext(SealResponse r) { responses.add(r); }
            public void onError(Throwable t) { done.completeExceptionally(t); }
            public void onCompleted() { done.complete(null); }
        });
        requests.forEach(in::onNext);
        in.onCompleted();
        done.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(requests.size(), responses.size());
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(requests.get(i).getRequestId(), responses.get(i).getSeal().getRequestId());
        }
    }

    private static int offline(String... args) {
        return offline(new StringWriter(), args);
    }

    private static int offline(StringWriter out, String... args) {
        var cl = SealerCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }
}
