package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * VerifyStream end to end over a real gRPC channel, against seals made by the real service (PostgreSQL, SoftHSM2):
 * verdicts in request order, INVALID as answers, and a request Verify would refuse ending the stream with Verify's error.
 */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class VerifyStreamTest {
    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;

    @GrpcClient("seals")
    io.grpc.Channel channel;

    /** What came back on one stream: the answers, then how it ended. */
    record Outcome(List<VerifyResponse> answers, Throwable error) {
        StatusRuntimeException status() {
            return assertInstanceOf(StatusRuntimeException.class, error, "the stream should have ended with an error");
        }
    }

    Outcome stream(List<VerifyRequest> requests) throws Exception {
        List<VerifyResponse> answers = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<VerifyRequest> in = SealServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .verifyStream(new StreamObserver<>() {
                    public void onNext(VerifyResponse r) { answers.add(r); }
                    public void onError(Throwable t) { done.completeExceptionally(t); }
                    public void onCompleted() { done.complete(null); }
                });
        requests.forEach(in::onNext);
        in.onCompleted();
        try {
            done.get(60, TimeUnit.SECONDS);
            return new Outcome(List.copyOf(answers), null);
        } catch (ExecutionException e) {
            return new Outcome(List.copyOf(answers), e.getCause());
        }
    }

    static VerifyRequest byId(SealRecord seal, String content) {
        return VerifyRequest.newBuilder().setSealId(seal.getSealId()).setDigest(Grpc.digest(content)).build();
    }

    List<SealRecord> sealAll(String prefix, int n) {
        List<SealRecord> made = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            made.add(seals.seal(Grpc.request(prefix + i).build()).getSeal());
        }
        return made;
    }

    @Test
    void answersEveryRequestInOrder_validForGoodSeals_invalidWithReasonForTamperedSealsAndWrongDigests() throws Exception {
        List<SealRecord> made = sealAll("vs-order-", 12);
        List<VerifyRequest> requests = new ArrayList<>();
        List<String> expected = new ArrayList<>(); // "VALID" or the reason, per request
        List<String> expectedIds = new ArrayList<>();
        for (int round = 0; round < 25; round++) {
            for (int i = 0; i < made.size(); i++) {
                SealRecord s = made.get(i);
                String content = "vs-order-" + i;
                switch ((round * made.size() + i) % 5) {
                    case 0, 1 -> {
                        requests.add(byId(s, content));
                        expected.add("VALID");
                    }
                    case 2 -> {
                        requests.add(VerifyRequest.newBuilder().setSeal(s).setDigest(Grpc.digest(content)).build());
                        expected.add("VALID");
                    }
                    case 3 -> {
                        requests.add(byId(s, content + " (edited)"));
                        expected.add("ANCHOR_MISMATCH");
                    }
                    default -> {
                        byte[] sig = s.getMlDsaSignature().toByteArray();
                        sig[100] ^= 1;
                        requests.add(VerifyRequest.newBuilder().setSeal(s.toBuilder().setMlDsaSignature(ByteString.copyFrom(sig)))
                                .setDigest(Grpc.digest(content)).build());
                        expected.add("SIGNATURE_INVALID");
                    }
                }
                expectedIds.add(s.getSealId());
            }
        }
        Outcome out = stream(requests);
        assertEquals(null, out.error(), String.valueOf(out.error()));
        assertEquals(requests.size(), out.answers().size());
        for (int i = 0; i < requests.size(); i++) {
            VerifyResponse r = out.answers().get(i);
            assertEquals(expectedIds.get(i), r.getSealId(), "answer " + i + " is for request " + i);
            assertEquals(expected.get(i), r.getVerdict() == Verdict.VALID ? "VALID" : r.getReason(), "request " + i + ": " + r.getDetail());
            assertEquals(r.getVerdict() == Verdict.VALID ? Verdict.VALID : Verdict.INVALID, r.getVerdict());
        }
        // the same answers as unary Verify gives, request by request
        for (int i = 0; i < made.size() * 2; i++) {
            assertEquals(seals.verify(requests.get(i)), out.answers().get(i), "request " + i);
        }
    }

    @Test
    void requestWithNeitherSealNorSealId_endsTheStreamWithInvalidArgument_afterAnsweringEveryEarlierRequest() throws Exception {
        List<SealRecord> made = sealAll("vs-malformed-", 4);
        List<VerifyRequest> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            requests.add(byId(made.get(i % 4), "vs-malformed-" + (i % 4)));
        }
        VerifyRequest malformed = VerifyRequest.newBuilder().setDigest(Grpc.digest("no target")).build();
        requests.add(malformed);
        for (int i = 0; i < 20; i++) {
            requests.add(byId(made.get(i % 4), "vs-malformed-" + (i % 4)));
        }
        Outcome out = stream(requests);
        assertEquals(40, out.answers().size(), "every request before the malformed one is answered, none after it");
        assertTrue(out.answers().stream().allMatch(r -> r.getVerdict() == Verdict.VALID));
        assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(out.status()));
        assertEquals("INVALID_ARGUMENT", Grpc.reason(out.status()));

        StatusRuntimeException unary = assertThrows(StatusRuntimeException.class, () -> seals.verify(malformed));
        assertEquals(Grpc.code(unary), Grpc.code(out.status()));
        assertEquals(Grpc.reason(unary), Grpc.reason(out.status()));
    }

    @Test
    void malformedOrUnknownSealId_orBadDigest_endTheStreamWithTheSameStatusAndReasonAsUnaryVerify() throws Exception {
        SealRecord good = sealAll("vs-bad-id-", 1).getFirst();
        List<VerifyRequest> bad = List.of(
                VerifyRequest.newBuilder().setSealId("not-a-uuid").build(),
                VerifyRequest.newBuilder().setSealId(good.getSealId().toUpperCase()).build(),
                VerifyRequest.newBuilder().setSealId(UUID.randomUUID().toString()).build(),
                VerifyRequest.newBuilder().setSealId(good.getSealId()).setDigest(Grpc.digest("x").toBuilder().setValue(ByteString.copyFrom(new byte[5])))
                        .build());
        List<String> expectedReasons = List.of("INVALID_ARGUMENT", "INVALID_ARGUMENT", "UNKNOWN_SEAL", "INVALID_DIGEST");
        for (int k = 0; k < bad.size(); k++) {
            VerifyRequest b = bad.get(k);
            Outcome out = stream(List.of(byId(good, "vs-bad-id-0"), byId(good, "vs-bad-id-0"), b, byId(good, "vs-bad-id-0")));
            assertEquals(2, out.answers().size(), b.toString());
            StatusRuntimeException unary = assertThrows(StatusRuntimeException.class, () -> seals.verify(b));
            assertEquals(expectedReasons.get(k), Grpc.reason(unary), b.toString());
            assertEquals(Grpc.code(unary), Grpc.code(out.status()), b.toString());
            assertEquals(Grpc.reason(unary), Grpc.reason(out.status()), b.toString());
        }
    }

    @Test
    void emptyStream_completesWithoutAnswers_andSeveralStreamsAtOnceEachKeepTheirOrder() throws Exception {
        Outcome empty = stream(List.of());
        assertEquals(null, empty.error());
        assertTrue(empty.answers().isEmpty());

        List<SealRecord> made = sealAll("vs-many-", 6);
        List<CompletableFuture<Outcome>> runs = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            int first = s;
            List<VerifyRequest> requests = new ArrayList<>();
            for (int i = 0; i < 400; i++) { // longer than a drain's burst, so streams take turns on the pool
                int k = (first + i) % made.size();
                requests.add(byId(made.get(k), "vs-many-" + k));
            }
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return stream(requests);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (int s = 0; s < runs.size(); s++) {
            Outcome out = runs.get(s).get(120, TimeUnit.SECONDS);
            assertEquals(null, out.error());
            assertEquals(400, out.answers().size());
            for (int i = 0; i < 400; i++) {
                assertEquals(made.get((s + i) % made.size()).getSealId(), out.answers().get(i).getSealId());
                assertEquals(Verdict.VALID, out.answers().get(i).getVerdict());
            }
        }
        assertFalse(runs.isEmpty());
    }
}
