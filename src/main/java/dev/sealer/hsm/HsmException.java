package dev.sealer.hsm;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;

/**
 * A failure of the HSM: misconfiguration (refuse to start) or unavailability (retry later). Either way
 * its reason is {@link Reason#HSM_UNAVAILABLE}: a caller cannot seal, rotate or revoke until the HSM works.
 */
public final class HsmException extends SealerException {
    public enum Kind { CONFIGURATION, UNAVAILABLE }

    private final Kind kind;

    public HsmException(Kind kind, String message, Throwable cause) {
        super(Reason.HSM_UNAVAILABLE, message, cause);
        this.kind = kind;
    }

    public HsmException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
