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
 * The one place where errors become gRPC statuses. Every error carries a {@code google.rpc.ErrorInfo}
 * with the stable reason and domain {@value #DOMAIN}.
 *
 * <p>The rule: a {@link SealerException} (the only exception kind the core, the HSM adapter and the
 * store adapter throw for a failure a caller can see) answers with its reason, wherever it sits in the
 * cause chain. Anything else is not answered with its own message or stack: a JDBC failure in the cause
 * chain is STORE_UNAVAILABLE, a PKCS#11 / security-provider failure is HSM_UNAVAILABLE, and what remains
 * is a bug: logged here with its stack trace, answered INTERNAL with a fixed text.
 */
public final class ErrorMapper {
    public static final String DOMAIN = "sealer.dev";
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    public static Status.Code code(Reason reason) {
        return switch (reason) {
            case INVALID_ARGUMENT, INVALID_DIGEST, INVALID_REQUEST_ID, INVALID_SUBJECT, INVALID_STAGE, INVALID_LABELS, INVALID_PARENTS,
                    UNKNOWN_PARENT, INVALID_STATEMENT, MALFORMED_BUNDLE, MALFORMED_REQUEST -> Status.Code.INVALID_ARGUMENT;
            case LINEAGE_CYCLE, LINEAGE_INCOMPLETE, STAGE_MISSING, STAGE_ORDER, UNKNOWN_POLICY -> Status.Code.INVALID_ARGUMENT;
            case UNKNOWN_SEAL, UNKNOWN_SUITE -> Status.Code.NOT_FOUND;
            case REQUEST_ID_CONFLICT -> Status.Code.ALREADY_EXISTS;
            case HSM_UNAVAILABLE, STORE_UNAVAILABLE, TSA_UNAVAILABLE, SHUTTING_DOWN -> Status.Code.UNAVAILABLE;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case ABANDONED -> Status.Code.CANCELLED;
            case OVERLOADED, MESSAGE_TOO_LARGE -> Status.Code.RESOURCE_EXHAUSTED;
            case SIGNATURE_INVALID, SUITE_REVOKED, OUTSIDE_VALIDITY, ANCHOR_MISMATCH, MERKLE_PROOF_INVALID, WORM_VIOLATION, PARTIAL_EVIDENCE, TIMESTAMP_INVALID ->
                    Status.Code.FAILED_PRECONDITION;
        };
    }

    public static StatusRuntimeException toStatus(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof StatusRuntimeException s) {
            return s;
        }
        if (cause instanceof io.grpc.StatusException s) {
            return s.getStatus().asRuntimeException(s.getTrailers());
        }
        SealerException domain = domainError(cause);
        if (domain != null) {
            // a request naming something wrong is INVALID_ARGUMENT whatever its reason (e.g. a meta-seal binding an unknown seal)
            Status.Code code = domain instanceof dev.sealer.core.error.InvalidRequestException ? Status.Code.INVALID_ARGUMENT : code(domain.reason());
            return status(code, domain.reason().name(), domain.getMessage());
        }
        Reason known = knownCause(cause);
        if (known != null) {
            LOG.warnf(cause, "answering %s for a failure that is not a domain error", known);
            return status(code(known), known.name(), known == Reason.STORE_UNAVAILABLE ? "database unavailable" : "HSM unavailable");
        }
        LOG.error("unexpected failure answering an RPC", cause);
        return status(Status.Code.INTERNAL, "INTERNAL", "internal error");
    }

    /** The outermost {@link SealerException} in the cause chain, or null. */
    static SealerException domainError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SealerException e) {
                return e;
            }
        }
        return null;
    }

    /** The reason of a known part failing somewhere in the cause chain (database, HSM), or null. */
    static Reason knownCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.sql.SQLException) {
                return Reason.STORE_UNAVAILABLE;
            }
            if (c instanceof java.security.ProviderException || c.getClass().getName().equals("sun.security.pkcs11.wrapper.PKCS11Exception")) {
                return Reason.HSM_UNAVAILABLE;
            }
        }
        return null;
    }

    /** The retry delay a shed call is given (RetryInfo). */
    static final int SHED_RETRY_DELAY_MILLIS = 100;

    public static StatusRuntimeException status(Status.Code code, String reason, String message) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(message == null ? reason : message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build()));
        if (Reason.OVERLOADED.name().equals(reason)) {
            // shed load: tell the caller when to come back (a request too large is never worth retrying as is)
            status.addDetails(Any.pack(com.google.rpc.RetryInfo.newBuilder()
                    .setRetryDelay(com.google.protobuf.Duration.newBuilder().setNanos(SHED_RETRY_DELAY_MILLIS * 1_000_000)).build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
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
