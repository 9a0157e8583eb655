package dev.sealer.core.error;

/** A domain failure with its stable reason; the gRPC adapter maps it to a status in one place. */
public class SealerException extends RuntimeException {
    private final Reason reason;

    public SealerException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SealerException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
