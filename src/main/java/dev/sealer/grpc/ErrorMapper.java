package dev.sealer.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.jboss.logging.Logger;

/**
 * The one place where domain errors become gRPC statuses. Every error carries a
 * {@code google.rpc.ErrorInfo} with the stable reason and domain {@value #DOMAIN}. Anything that
 * is not a domain error is a bug: logged with its stack trace here, answered as INTERNAL without it.
 */
public final class ErrorMapper {
    public static final String DOMAIN = "sealer.dev";
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    public static Status.Code code(Reason reason) {
        return switch (reason) {
            case INVALID_ARGUMENT, INVALID_DIGEST, INVALID_REQUEST_ID, INVALID_SUBJECT, INVALID_STAGE, INVALID_LABELS, INVALID_PARENTS,
                    UNKNOWN_PARENT, MALFORMED_BUNDLE -> Status.Code.INVALID_ARGUMENT;
            case UNKNOWN_SEAL, UNKNOWN_SUITE -> Status.Code.NOT_FOUND;
            case REQUEST_ID_CONFLICT -> Status.Code.ALREADY_EXISTS;
            case HSM_UNAVAILABLE, STORE_UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
            case SIGNATURE_INVALID, SUITE_REVOKED, OUTSIDE_VALIDITY, ANCHOR_MISMATCH, MERKLE_PROOF_INVALID, WORM_VIOLATION ->
                    Status.Code.FAILED_PRECONDITION;
        };
    }

    public static StatusRuntimeException toStatus(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof StatusRuntimeException s) {
            return s;
        }
        if (cause instanceof SealerException e) {
            return status(code(e.reason()), e.reason().name(), e.getMessage());
        }
        LOG.error("unexpected failure answering an RPC", cause);
        return status(Status.Code.INTERNAL, "INTERNAL", "internal error");
    }

    public static StatusRuntimeException status(Status.Code code, String reason, String message) {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(message == null ? reason : message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
