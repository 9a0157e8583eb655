package dev.sealer.testing;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import dev.sealer.grpc.v1.Digest;
import dev.sealer.grpc.v1.DigestAlgorithm;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.Stage;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** Helpers for tests that talk to the service over a real gRPC channel. */
public final class Grpc {
    private Grpc() {
    }

    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Digest digest(String content) {
        return Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(ByteString.copyFrom(sha256(content))).build();
    }

    /** A valid request with a fresh request id. */
    public static SealRequest.Builder request(String content) {
        return SealRequest.newBuilder().setRequestId("req-" + UUID.randomUUID()).setDigest(digest(content))
                .setSubject("models/" + content).setStage(Stage.TRAINING).putLabels("team", "ml-platform");
    }

    /** The stable reason in the status's google.rpc.ErrorInfo. */
    public static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return "<no status details>";
        }
        for (var any : status.getDetailsList()) {
            if (any.is(ErrorInfo.class)) {
                try {
                    return any.unpack(ErrorInfo.class).getReason();
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
        return "<no ErrorInfo>";
    }

    public static Status.Code code(StatusRuntimeException e) {
        return e.getStatus().getCode();
    }
}
