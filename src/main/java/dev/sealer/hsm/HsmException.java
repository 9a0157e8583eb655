package dev.sealer.hsm;

/** A failure of the HSM: misconfiguration (refuse to start) or unavailability (retry later). */
public final class HsmException extends RuntimeException {
    public enum Kind { CONFIGURATION, UNAVAILABLE }

    private final Kind kind;

    public HsmException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public HsmException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
