package dev.sealer.core.json;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;

/**
 * Thrown when JSON text is malformed or exceeds a limit ({@link Json#parse}), or when a parsed
 * value does not have the shape a caller requires (the typed accessors on {@link Json}).
 *
 * <p>Parse errors carry the zero-based byte offset (into the UTF-8 input) at which the problem
 * was detected, also included in the message as {@code "at byte offset N"}. Accessor errors have
 * no offset ({@link #offset()} returns {@code -1}).
 *
 * <p>The JSON Sealer reads is a document a caller hands in (a seal bundle, a trust bundle) or one
 * it wrote itself, so a defect is {@link Reason#MALFORMED_BUNDLE}.
 */
public final class JsonFormatException extends SealerException {

    private static final long serialVersionUID = 1L;

    private final long offset;

    /** An accessor (shape) error with no input position. */
    public JsonFormatException(String message) {
        super(Reason.MALFORMED_BUNDLE, message);
        this.offset = -1;
    }

    /** A parse error detected at {@code offset} bytes into the input. */
    public JsonFormatException(String description, long offset) {
        super(Reason.MALFORMED_BUNDLE, description + " at byte offset " + offset);
        this.offset = offset;
    }

    /** Zero-based byte offset of a parse error, or {@code -1} for accessor errors. */
    public long offset() {
        return offset;
    }
}
