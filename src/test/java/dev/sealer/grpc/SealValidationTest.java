package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.sealer.grpc.v1.Digest;
import dev.sealer.grpc.v1.DigestAlgorithm;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Stage;
import dev.sealer.grpc.v1.TimeRange;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every validation rule, table-driven: each bad request is INVALID_ARGUMENT with its stable
 * reason, and no bad request leaves a row behind.
 */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class SealValidationTest {
    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;

    record Case(String name, Supplier<SealRequest> request, String reason) {
    }

    static SealRequest.Builder ok() {
        return Grpc.request("validation");
    }

    static Digest digest(DigestAlgorithm alg, int length) {
        return Digest.newBuilder().setAlgorithm(alg).setValue(ByteString.copyFrom(new byte[length])).build();
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("digest missing", () -> ok().clearDigest().build(), "INVALID_DIGEST"));
        c.add(new Case("digest algorithm unset", () -> ok().setDigest(digest(DigestAlgorithm.DIGEST_ALGORITHM_UNSPECIFIED, 32)).build(), "INVALID_DIGEST"));
        c.add(new Case("digest algorithm unknown enum value", () -> ok().setDigest(Digest.newBuilder().setAlgorithmValue(99)
                .setValue(ByteString.copyFrom(new byte[32]))).build(), "INVALID_DIGEST"));
        c.add(new Case("sha-256 of 31 bytes", () -> ok().setDigest(digest(DigestAlgorithm.SHA_256, 31)).build(), "INVALID_DIGEST"));
        c.add(new Case("sha-256 of 33 bytes", () -> ok().setDigest(digest(DigestAlgorithm.SHA_256, 33)).build(), "INVALID_DIGEST"));
        c.add(new Case("sha-384 of 32 bytes", () -> ok().setDigest(digest(DigestAlgorithm.SHA_384, 32)).build(), "INVALID_DIGEST"));
        c.add(new Case("sha-512 of 48 bytes", () -> ok().setDigest(digest(DigestAlgorithm.SHA_512, 48)).build(), "INVALID_DIGEST"));
        c.add(new Case("sha3-256 empty", () -> ok().setDigest(digest(DigestAlgorithm.SHA3_256, 0)).build(), "INVALID_DIGEST"));
        c.add(new Case("sha3-512 of 32 bytes", () -> ok().setDigest(digest(DigestAlgorithm.SHA3_512, 32)).build(), "INVALID_DIGEST"));
        c.add(new Case("request_id empty", () -> ok().setRequestId("").build(), "INVALID_REQUEST_ID"));
        c.add(new Case("request_id 129 chars", () -> ok().setRequestId("r".repeat(129)).build(), "INVALID_REQUEST_ID"));
        c.add(new Case("request_id with space", () -> ok().setRequestId("a b").build(), "INVALID_REQUEST_ID"));
        c.add(new Case("request_id non-ASCII", () -> ok().setRequestId("réq").build(), "INVALID_REQUEST_ID"));
        c.add(new Case("subject empty", () -> ok().setSubject("").build(), "INVALID_SUBJECT"));
        c.add(new Case("subject 513 chars", () -> ok().setSubject("s".repeat(513)).build(), "INVALID_SUBJECT"));
        c.add(new Case("subject with newline", () -> ok().setSubject("a\nb").build(), "INVALID_SUBJECT"));
        c.add(new Case("subject with NUL", () -> ok().setSubject("a\u0000b").build(), "INVALID_SUBJECT"));
        c.add(new Case("stage unset", () -> ok().setStage(Stage.STAGE_UNSPECIFIED).build(), "INVALID_STAGE"));
        c.add(new Case("stage unknown enum value", () -> ok().setStageValue(42).build(), "INVALID_STAGE"));
        c.add(new Case("33 labels", () -> {
            SealRequest.Builder b = ok().clearLabels();
            for (int i = 0; i < 33; i++) {
                b.putLabels("k" + i, "v");
            }
            return b.build();
        }, "INVALID_LABELS"));
        c.add(new Case("label key upper case", () -> ok().putLabels("Team", "x").build(), "INVALID_LABELS"));
        c.add(new Case("label key empty", () -> ok().putLabels("", "x").build(), "INVALID_LABELS"));
        c.add(new Case("label key 64 chars", () -> ok().putLabels("k".repeat(64), "x").build(), "INVALID_LABELS"));
        c.add(new Case("label value 257 chars", () -> ok().putLabels("k", "v".repeat(257)).build(), "INVALID_LABELS"));
        c.add(new Case("label value with tab", () -> ok().putLabels("k", "a\tb").build(), "INVALID_LABELS"));
        c.add(new Case("parent not a UUID", () -> ok().addParentSealIds("not-a-uuid").build(), "INVALID_PARENTS"));
        c.add(new Case("parent upper-case UUID", () -> ok().addParentSealIds(UUID.randomUUID().toString().toUpperCase()).build(), "INVALID_PARENTS"));
        c.add(new Case("parent listed twice", () -> {
            String id = UUID.randomUUID().toString();
            return ok().addParentSealIds(id).addParentSealIds(id).build();
        }, "INVALID_PARENTS"));
        c.add(new Case("65 parents", () -> {
            SealRequest.Builder b = ok();
            for (int i = 0; i < 65; i++) {
                b.addParentSealIds(UUID.randomUUID().toString());
            }
            return b.build();
        }, "INVALID_PARENTS"));
        c.add(new Case("parent that does not exist", () -> ok().addParentSealIds(UUID.randomUUID().toString()).build(), "UNKNOWN_PARENT"));
        return c;
    }

    @Test
    void seal_withEachInvalidField_isInvalidArgumentWithItsReasonAndWritesNothing() throws Exception {
        long before = receiptCount();
        List<String> failures = new ArrayList<>();
        for (Case c : cases()) {
            try {
                seals.seal(c.request().get());
                failures.add(c.name() + ": accepted");
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT || !c.reason().equals(Grpc.reason(e))) {
                    failures.add(c.name() + ": got " + e.getStatus().getCode() + " " + Grpc.reason(e) + " (" + e.getStatus().getDescription() + ")");
                }
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(before, receiptCount(), "rejected requests must not write rows");
    }

    @Test
    void queries_withInvalidArguments_areInvalidArgument() {
        List<String> failures = new ArrayList<>();
        List<Runnable> calls = List.of(
                () -> seals.getSeal(GetSealRequest.newBuilder().setSealId("x").build()),
                () -> seals.listSeals(ListSealsRequest.newBuilder().build()),
                () -> seals.listSeals(ListSealsRequest.newBuilder().setSubject("s").setPageSize(1001).build()),
                () -> seals.listSeals(ListSealsRequest.newBuilder().setSubject("s").setPageSize(-1).build()),
                () -> seals.listSeals(ListSealsRequest.newBuilder().setSubject("s").setPageToken("garbage!").build()),
                () -> seals.listSeals(ListSealsRequest.newBuilder().setCommitted(TimeRange.newBuilder()).build()),
                () -> seals.verify(VerifyRequest.newBuilder().build()),
                () -> seals.verify(VerifyRequest.newBuilder().setSealId("nope").build()));
        for (int i = 0; i < calls.size(); i++) {
            try {
                calls.get(i).run();
                failures.add("call " + i + ": accepted");
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT || Grpc.reason(e).startsWith("<")) {
                    failures.add("call " + i + ": " + e.getStatus() + " " + Grpc.reason(e));
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void verify_withAnUnknownSealId_isNotFound() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> seals.verify(VerifyRequest.newBuilder().setSealId(UUID.randomUUID().toString()).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("UNKNOWN_SEAL", Grpc.reason(e));
    }

    static long receiptCount() throws Exception {
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from receipts")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
