package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.sealer.grpc.v1.SealServiceGrpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The unary bound, on calls that stay open until the test answers them (a call the transport
 * holds open on demand: the one thing a real channel cannot be made to do deterministically).
 */
class CallAdmissionTest {

    /** A server call that records how it was closed. */
    static final class HeldCall<Q, R> extends ServerCall<Q, R> {
        final MethodDescriptor<Q, R> method;
        Status closed;
        Metadata trailers;

        HeldCall(MethodDescriptor<Q, R> method) {
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(R message) {
        }

        @Override
        public void close(Status status, Metadata trailers) {
            this.closed = status;
            this.trailers = trailers;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final long[] now = {1_000_000_000L};
    final CallAdmission admission = new CallAdmission(3, registry.counter("shed"), () -> now[0]);
    final CallAdmission.QueueWait queueWait = new CallAdmission.QueueWait(java.time.Duration.ofMillis(100), registry.counter("waited"), () -> now[0]);
    final List<ServerCall<?, ?>> started = new ArrayList<>();

    <Q, R> ServerCall.Listener<Q> start(HeldCall<Q, R> call) {
        return admission.interceptCall(call, new Metadata(), (c, h) -> {
            started.add(c);
            return new ServerCall.Listener<>() {
            };
        });
    }

    @Test
    void beyondTheLimit_aUnaryCallIsShedAtOnceWithOverloadedAndRetryInfo_andNeverReachesTheService() throws Exception {
        for (int i = 0; i < 3; i++) {
            HeldCall<?, ?> c = new HeldCall<>(SealServiceGrpc.getVerifyMethod());
            start(c);
            assertNull(c.closed, "admitted calls stay open");
        }
        HeldCall<?, ?> fourth = new HeldCall<>(SealServiceGrpc.getGetSealMethod());
        start(fourth);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, fourth.closed.getCode());
        com.google.rpc.Status detail = StatusProto.fromStatusAndTrailers(fourth.closed, fourth.trailers);
        assertEquals("OVERLOADED", detail.getDetails(0).unpack(ErrorInfo.class).getReason());
        assertTrue(detail.getDetails(1).unpack(RetryInfo.class).getRetryDelay().getNanos() > 0, "a RetryInfo delay");
        assertEquals(3, started.size(), "the shed call never reached the handler");
        assertEquals(1.0, registry.counter("shed").count());
        assertEquals(3, admission.inFlight());
    }

    @Test
    void answeringOrCancellingACall_freesItsPlace_exactlyOnce() {
        HeldCall<?, ?> a = new HeldCall<>(SealServiceGrpc.getVerifyMethod());
        HeldCall<?, ?> b = new HeldCall<>(SealServiceGrpc.getVerifyMethod());
        HeldCall<?, ?> c = new HeldCall<>(SealServiceGrpc.getVerifyMethod());
        start(a);
        ServerCall.Listener<?> lb = start(b);
        start(c);
        assertEquals(3, admission.inFlight());
        // the service answers a: its place is free (the wrapped call, as the handler saw it, is closed)
        started.get(0).close(Status.OK, new Metadata());
        assertEquals(2, admission.inFlight());
        // b's caller cancels, and the transport then completes the listener too: freed once, not twice
        lb.onCancel();
        lb.onComplete();
        assertEquals(1, admission.inFlight());
        HeldCall<?, ?> d = new HeldCall<>(SealServiceGrpc.getVerifyMethod());
        HeldCall<?, ?> e = new HeldCall<>(SealServiceGrpc.getVerifyMethod());
        start(d);
        start(e);
        assertNull(d.closed);
        assertNull(e.closed, "two places were free again");
        assertEquals(3, admission.inFlight());
    }

    @Test
    void streams_areNotCountedHere() {
        for (int i = 0; i < 10; i++) {
            HeldCall<?, ?> s = new HeldCall<>(SealServiceGrpc.getSealStreamMethod());
            start(s);
            assertNull(s.closed);
        }
        assertEquals(0, admission.inFlight());
    }

    /** The call as the worker sees it: through the count (which stamps its arrival), then the time bound. */
    <Q, R> ServerCall.Listener<Q> startThroughBoth(HeldCall<Q, R> call, long waitedMillis) {
        return admission.interceptCall(call, new Metadata(), (c, h) -> {
            now[0] += waitedMillis * 1_000_000;
            return queueWait.interceptCall(c, h, (c2, h2) -> {
                started.add(c2);
                return new ServerCall.Listener<>() {
                };
            });
        });
    }

    @Test
    void aCallThatWaitedLongerThanTheQueueWaitForAWorker_isShedWithOverloaded_neverRun_andItsPlaceFreed() throws Exception {
        HeldCall<?, ?> late = new HeldCall<>(SealServiceGrpc.getSealMethod());
        startThroughBoth(late, 101);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, late.closed.getCode());
        com.google.rpc.Status detail = StatusProto.fromStatusAndTrailers(late.closed, late.trailers);
        assertEquals("OVERLOADED", detail.getDetails(0).unpack(ErrorInfo.class).getReason());
        assertTrue(late.closed.getDescription().contains("waited 101 ms"), late.closed.getDescription());
        assertTrue(started.isEmpty(), "never run");
        assertEquals(1.0, registry.counter("waited").count());
        assertEquals(0, admission.inFlight(), "the refusal closed the call, which freed its place");
    }

    @Test
    void aCallThatWaitedWithinTheQueueWait_isRun() {
        HeldCall<?, ?> onTime = new HeldCall<>(SealServiceGrpc.getSealMethod());
        startThroughBoth(onTime, 100);
        assertNull(onTime.closed);
        assertEquals(1, started.size());
        assertEquals(1, admission.inFlight());
    }

    @Test
    void aCallersOwnArrivalHeader_isReplacedByTheService() {
        Metadata forged = new Metadata();
        forged.put(CallAdmission.ARRIVED, "0");
        HeldCall<dev.sealer.grpc.v1.SealRequest, dev.sealer.grpc.v1.SealResponse> c = new HeldCall<>(SealServiceGrpc.getSealMethod());
        admission.interceptCall(c, forged, (c1, h) -> queueWait.interceptCall(c1, h, (c2, h2) -> {
            started.add(c2);
            return new ServerCall.Listener<dev.sealer.grpc.v1.SealRequest>() {
            };
        }));
        assertNull(c.closed, "a forged arrival time of 0 would have been a wait of a second");
        assertEquals(List.of(Long.toString(now[0])), com.google.common.collect.Lists.newArrayList(forged.getAll(CallAdmission.ARRIVED)));
    }

    @Test
    void theCountRunsBeforeQuarkusHandsABlockingCallToAWorker_andTheTimeAfterIt() {
        int quarkusBlockingDispatch = Integer.MAX_VALUE - 60; // io.quarkus.grpc.runtime.supports.blocking.BlockingServerInterceptor
        assertTrue(admission.getPriority() > quarkusBlockingDispatch);
        assertTrue(queueWait.getPriority() < quarkusBlockingDispatch);
    }
}
