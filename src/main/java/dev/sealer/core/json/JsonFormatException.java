package dev.sealer.core.json;

/**
 * Thrown when JSON text is malformed or exceeds a limit ({@link Json#parse}), or when a parsed
 * value does not have the shape a caller requires (the typed accessors on {@link Json}).
 *
 * <p>Parse errors carry the zero-based byte offset (into the UTF-8 input) at which the problem
 * was detected, also included in the message as {@code "at byte offset N"}. Accessor errors have
 * no offset ({@link #offset()} returns {@code -1}).
 */
public final class JsonFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final long offset;

    /** An accessor (shape) error with no input position. */
    public JsonFormatException(String message) {
        super(message);
        this.offset = -1;
    }

    /** A parse error detected at {@code offset} bytes into the input. */
    public JsonFormatException(String description, long offset) {
        super(description + " at byte offset " + offset);
        this.offset = offset;
    }

    /** Zero-based byte offset of a parse error, or {@code -1} for accessor errors. */
    public long offset() {
        return offset;
    }
}
