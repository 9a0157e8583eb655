package dev.sealer.core.tsa;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;

/** A time-stamp token that does not verify, or a request the authority refuses; the message says which check failed. */
public final class TimestampException extends SealerException {
    public TimestampException(Reason reason, String message) {
        super(reason, message);
    }

    public TimestampException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
