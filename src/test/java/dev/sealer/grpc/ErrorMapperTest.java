package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.Json;
import dev.sealer.core.merkle.MerkleVerifier;
import dev.sealer.hsm.HsmException;
import dev.sealer.testing.Grpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The one mapping rule: domain errors keep their reason; known part failures get theirs; the rest never leak. */
class ErrorMapperTest {
    private static final String SECRET = "password=hunter2 at jdbc:postgresql://db.internal/sealer";

    @Test
    void hsmException_isUnavailableHsmUnavailable_whetherConfigurationOrUnavailable() {
        for (HsmException.Kind kind : HsmException.Kind.values()) {
            StatusRuntimeException s = ErrorMapper.toStatus(new CompletionException(new HsmException(kind, "token gone")));
            assertEquals(Status.Code.UNAVAILABLE, s.getStatus().getCode());
            assertEquals("HSM_UNAVAILABLE", Grpc.reason(s));
        }
    }

    @Test
    void coreFormatNoteAndProofFailures_areSealerExceptionsWithTheirReasons() {
        SealerException json = assertThrows(SealerException.class, () -> Json.parse("{\"a\":"));
        assertEquals(Reason.MALFORMED_BUNDLE, json.reason());
        assertEquals(Status.Code.INVALID_ARGUMENT, ErrorMapper.toStatus(json).getStatus().getCode());
        SealerException proof = assertThrows(SealerException.class,
                () -> MerkleVerifier.verifyInclusion(5, 4, new byte[32], List.of(), new byte[32]));
        assertEquals(Reason.MERKLE_PROOF_INVALID, proof.reason());
        assertEquals("MERKLE_PROOF_INVALID", Grpc.reason(ErrorMapper.toStatus(proof)));
    }

    @Test
    void sqlExceptionAnywhereInTheCause_isStoreUnavailable_withoutItsMessage() {
        StatusRuntimeException s = ErrorMapper.toStatus(new IllegalStateException("wrapped " + SECRET, new SQLException(SECRET, "08006")));
        assertEquals(Status.Code.UNAVAILABLE, s.getStatus().getCode());
        assertEquals("STORE_UNAVAILABLE", Grpc.reason(s));
        assertFalse(String.valueOf(s.getStatus().getDescription()).contains("hunter2"), s.getStatus().getDescription());
    }

    @Test
    void providerFailure_isHsmUnavailable_withoutItsMessage() {
        StatusRuntimeException s = ErrorMapper.toStatus(new RuntimeException(new java.security.ProviderException(SECRET)));
        assertEquals(Status.Code.UNAVAILABLE, s.getStatus().getCode());
        assertEquals("HSM_UNAVAILABLE", Grpc.reason(s));
        assertFalse(String.valueOf(s.getStatus().getDescription()).contains("hunter2"));
    }

    @Test
    void sealerExceptionWrappedInAnotherException_keepsItsReason() {
        StatusRuntimeException s = ErrorMapper.toStatus(new RuntimeException("outer", new SealerException(Reason.UNKNOWN_SEAL, "no seal x")));
        assertEquals(Status.Code.NOT_FOUND, s.getStatus().getCode());
        assertEquals("UNKNOWN_SEAL", Grpc.reason(s));
    }

    @Test
    void anyOtherThrowable_isInternalWithAFixedTextAndNoStack() {
        StatusRuntimeException s = ErrorMapper.toStatus(new NullPointerException(SECRET));
        assertEquals(Status.Code.INTERNAL, s.getStatus().getCode());
        assertEquals("INTERNAL", Grpc.reason(s));
        assertEquals("internal error", s.getStatus().getDescription());
        assertEquals(null, s.getStatus().getCause());
    }

    @Test
    void everyReasonHasAStatusCodeThatIsNeitherInternalNorUnknown() {
        for (Reason r : Reason.values()) {
            Status.Code c = ErrorMapper.code(r);
            assertFalse(c == Status.Code.INTERNAL || c == Status.Code.UNKNOWN || c == Status.Code.OK, r + " -> " + c);
        }
    }
}
