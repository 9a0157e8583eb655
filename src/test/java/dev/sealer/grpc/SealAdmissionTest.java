package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.store.ReceiptStore;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admission on the seal path over a real channel and database: SealStream is all-or-answered (nothing after a failing
 * item is committed, whether it fails on arrival, while signing or at commit), and a unary Seal whose deadline passed
 * before its commit is not committed (and its request id can be sealed again afterwards).
 */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class SealAdmissionTest {
    private ManagedChannel channel;
    private SealServiceGrpc.SealServiceBlockingStub seals;

    @BeforeEach
    void connect() {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.grpc.server.test-port", Integer.class).orElse(9001);
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        seals = SealServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    record Outcome(List<SealResponse> answers, Throwable error) {
    }

    @Test
    void aCallersOwnArrivalHeader_neitherShedsNorBreaksItsSeal_overARealChannel() {
        // the service stamps a unary call's arrival before the call waits for a worker, over whatever the caller sent:
        // "0" would read as a wait of hours, a non-number would not parse
        for (String forged : List.of("0", "not-a-number")) {
            Metadata h = new Metadata();
            h.put(Metadata.Key.of("sealer-internal-arrived-nanos", Metadata.ASCII_STRING_MARSHALLER), forged);
            SealRequest req = Grpc.request("arrived-" + forged).build();
            SealResponse r = seals.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(h)).seal(req);
            assertEquals(req.getRequestId(), r.getSeal().getRequestId());
        }
    }

    @Test
    void sealStream_withAnInvalidSecondItem_answersTheFirst_endsWithItsReason_andCommitsNothingAfterIt() throws Exception {
        List<SealRequest> items = List.of(Grpc.request("aoa-1").build(), Grpc.request("aoa-2").setSubject("").build(),
                Grpc.request("aoa-3").build(), Grpc.request("aoa-4").build());
        Outcome o = stream(items);
        assertEquals(1, o.answers().size());
        assertEquals(items.get(0).getRequestId(), o.answers().get(0).getSeal().getRequestId());
        assertEquals("INVALID_SUBJECT", Grpc.reason((StatusRuntimeException) o.error()));
        assertCommitted(items, 1);
    }

    @Test
    void sealStream_withAnItemRefusedAtCommit_commitsNothingAfterIt() throws Exception {
        // the second item passes every check on arrival and fails inside the commit transaction (UNKNOWN_PARENT)
        List<SealRequest> items = new ArrayList<>();
        items.add(Grpc.request("aoc-1").setMode(SealMode.ANCHORED).build());
        items.add(Grpc.request("aoc-2").addParentSealIds(UUID.randomUUID().toString()).build());
        for (int i = 3; i <= 40; i++) {
            items.add(Grpc.request("aoc-" + i).setMode(i % 2 == 0 ? SealMode.ANCHORED : SealMode.SIGNED).build());
        }
        Outcome o = stream(items);
        assertEquals(1, o.answers().size());
        assertEquals("UNKNOWN_PARENT", Grpc.reason((StatusRuntimeException) o.error()));
        assertCommitted(items, 1);
    }

    @Test
    void sealStream_withAnInvalidItemDeepInAMixedStream_commitsExactlyTheItemsBeforeIt() throws Exception {
        List<SealRequest> items = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            SealRequest.Builder b = Grpc.request("aom-" + i).setMode(i % 3 == 0 ? SealMode.ANCHORED : SealMode.SIGNED);
            if (i == 150) {
                b.putLabels("Bad Key", "x"); // INVALID_LABELS, found while the SIGNED item is checked on the signing pool
            }
            items.add(b.build());
        }
        Outcome o = stream(items);
        assertEquals(150, o.answers().size());
        for (int i = 0; i < 150; i++) {
            assertEquals(items.get(i).getRequestId(), o.answers().get(i).getSeal().getRequestId());
        }
        assertEquals("INVALID_LABELS", Grpc.reason((StatusRuntimeException) o.error()));
        assertCommitted(items, 150);
    }

    @Test
    void sealStream_ofGoodItems_answersAndCommitsEveryOne() throws Exception {
        List<SealRequest> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(Grpc.request("aog-" + i).setMode(i % 2 == 0 ? SealMode.ANCHORED : SealMode.SIGNED).build());
        }
        Outcome o = stream(items);
        assertEquals(null, o.error());
        assertEquals(100, o.answers().size());
        assertCommitted(items, 100);
    }

    @Test
    void seal_whoseDeadlinePassesBeforeItsCommit_isNotCommitted_andItsRequestIdSealsLater() throws Exception {
        SealRequest request = Grpc.request("deadline").build();
        // hold the log's append lock: the commit writer takes the seal and waits for the lock inside its transaction
        try (Connection c = TestDatabase.get().connect()) {
            c.setAutoCommit(false);
            ReceiptStore.lockLog(c);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> SealServiceGrpc.newBlockingStub(channel).withDeadlineAfter(300, TimeUnit.MILLISECONDS).seal(request));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
            Thread.sleep(200);
            c.rollback(); // the writer goes on and finds the caller gone
        }
        Thread.sleep(500);
        assertEquals(0, seals.listSeals(ListSealsRequest.newBuilder().setRequestId(request.getRequestId()).build()).getSealsCount(),
                "a seal whose caller gave up before the commit is not written");
        SealResponse again = seals.seal(request);
        assertFalse(again.getReplayed(), "nothing was stored under the request id, so sealing it again makes the seal");
        assertTrue(seals.seal(request).getReplayed(), "and from then on it replays");
    }

    private Outcome stream(List<SealRequest> items) throws Exception {
        List<SealResponse> answers = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        StreamObserver<SealRequest> in = SealServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).sealStream(new StreamObserver<>() {
            @Override
            public void onNext(SealResponse r) {
                answers.add(r);
            }

            @Override
            public void onError(Throwable t) {
                end.complete(t);
            }

            @Override
            public void onCompleted() {
                end.complete(null);
            }
        });
        items.forEach(in::onNext);
        in.onCompleted();
        Throwable error = end.get(60, TimeUnit.SECONDS);
        Thread.sleep(1000); // anything still in flight would commit within this (a batch commits in milliseconds)
        return new Outcome(List.copyOf(answers), error);
    }

    /** Exactly the first {@code n} items are stored (by request id), the rest are not. */
    private void assertCommitted(List<SealRequest> items, int n) {
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int found = seals.listSeals(ListSealsRequest.newBuilder().setRequestId(items.get(i).getRequestId()).build()).getSealsCount();
            if (found != (i < n ? 1 : 0)) {
                wrong.add("item " + (i + 1) + (i < n ? " answered but not stored" : " stored but never answered"));
            }
        }
        assertEquals(List.of(), wrong);
    }
}
