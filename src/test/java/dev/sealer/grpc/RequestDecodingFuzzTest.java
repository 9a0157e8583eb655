package dev.sealer.grpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.SealLimits;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.VerifyRequest;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;

/**
 * Coverage-guided fuzzing (Jazzer) of request decoding and mapping: whatever bytes arrive, the decoding marshaller
 * of {@link RequestDecoding} returns a message (undecodable ones marked, answered MALFORMED_REQUEST naming a field
 * found by {@link WireCheck}), and mapping a decoded request to a command and checking it raises nothing but a
 * {@link SealerException} with its reason. Corpus: {@code src/test/resources/dev/sealer/grpc/RequestDecodingFuzzTestInputs/}.
 */
class RequestDecodingFuzzTest {
    private static final int MAX = 64 * 1024;
    private static final RequestDecoding.CheckedMarshaller<SealRequest> SEAL = new RequestDecoding.CheckedMarshaller<>(SealServiceGrpc.getSealMethod(), MAX);
    private static final RequestDecoding.CheckedMarshaller<VerifyRequest> VERIFY = new RequestDecoding.CheckedMarshaller<>(SealServiceGrpc.getVerifyMethod(), MAX);
    private static final RequestDecoding.CheckedMarshaller<ListSealsRequest> LIST = new RequestDecoding.CheckedMarshaller<>(SealServiceGrpc.getListSealsMethod(), MAX);
    private static final RequestDecoding.CheckedMarshaller<GetSealRequest> GET = new RequestDecoding.CheckedMarshaller<>(SealServiceGrpc.getGetSealMethod(), MAX);

    @FuzzTest(maxDuration = "10s")
    void sealRequest(byte[] input) {
        SealRequest r = decode(SEAL, input, SealServiceGrpc.getSealMethod());
        reasoned(() -> {
            var cmd = SealGrpcService.command(r, "fuzz");
            SealLimits.requestId(cmd.requestId());
            SealLimits.subject(cmd.subject());
            SealLimits.labels(cmd.labels());
            SealLimits.parents(cmd.parents());
        });
    }

    @FuzzTest(maxDuration = "10s")
    void queryRequests(byte[] input) {
        ListSealsRequest list = decode(LIST, input, SealServiceGrpc.getListSealsMethod());
        reasoned(() -> {
            RequestDecoding.check(list);
            if (list.hasCommitted()) {
                var from = ProtoMapper.instant(list.getCommitted().getFrom());
                var to = ProtoMapper.instant(list.getCommitted().getTo());
                ProtoMapper.sealTime(from);
                ProtoMapper.sealTime(to);
            }
            dev.sealer.app.storage.PageCursor.decode(list.getPageToken());
        });
        GetSealRequest get = decode(GET, input, SealServiceGrpc.getGetSealMethod());
        reasoned(() -> {
            RequestDecoding.check(get);
            SealLimits.sealId(get.getSealId(), Reason.INVALID_ARGUMENT);
        });
        VerifyRequest verify = decode(VERIFY, input, SealServiceGrpc.getVerifyMethod());
        reasoned(() -> {
            RequestDecoding.check(verify);
            if (verify.hasDigest()) {
                ProtoMapper.digest(verify.getDigest());
            }
        });
    }

    /** Decodes as the service does; undecodable bytes must be marked and named MALFORMED_REQUEST, decodable ones must match protobuf. */
    private static <Q> Q decode(RequestDecoding.CheckedMarshaller<Q> m, byte[] input, MethodDescriptor<Q, ?> method) {
        Q q = m.parse(new ByteArrayInputStream(input));
        boolean protobufDecodes;
        try {
            method.parseRequest(new ByteArrayInputStream(input));
            protobufDecodes = true;
        } catch (RuntimeException e) {
            protobufDecodes = false;
        }
        if (input.length <= MAX && protobufDecodes == RequestDecoding.undecodable(q)) {
            throw new AssertionError("the decoding marshaller and protobuf disagree on " + input.length + " bytes");
        }
        if (RequestDecoding.undecodable(q)) {
            try {
                RequestDecoding.check(q);
                throw new AssertionError("an undecodable request passed the check");
            } catch (SealerException e) {
                if (e.reason() != Reason.MALFORMED_REQUEST && e.reason() != Reason.MESSAGE_TOO_LARGE) {
                    throw new AssertionError("undecodable bytes answered " + e.reason());
                }
            }
        }
        return q;
    }

    private static void reasoned(Runnable r) {
        try {
            r.run();
        } catch (SealerException expected) {
            // a reasoned refusal
        }
    }
}
