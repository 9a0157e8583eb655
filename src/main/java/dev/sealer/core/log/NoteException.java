package dev.sealer.core.log;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;

/**
 * A signed note or checkpoint was rejected; {@link #detail()} says why, machine-readably. Its reason is
 * {@link Reason#SIGNATURE_INVALID}: a note that cannot be opened proves nothing.
 */
public final class NoteException extends SealerException {

    /** Why a note or checkpoint was rejected. */
    public enum Detail {
        /** The note text is not a well-formed signed note (format, encoding, limits). */
        MALFORMED_NOTE,
        /** The note body is not a well-formed tlog-checkpoint. */
        MALFORMED_CHECKPOINT,
        /** A required key has no signature line on the note. */
        MISSING_SIGNATURE,
        /** A signature line from a known key does not verify. */
        INVALID_SIGNATURE
    }

    private final Detail detail;

    NoteException(Detail detail, String message) {
        super(Reason.SIGNATURE_INVALID, message);
        this.detail = detail;
    }

    public Detail detail() {
        return detail;
    }
}
