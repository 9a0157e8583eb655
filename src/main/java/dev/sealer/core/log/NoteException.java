package dev.sealer.core.log;

/** A signed note or checkpoint was rejected; {@link #detail()} says why, machine-readably. */
public final class NoteException extends RuntimeException {

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
        super(message);
        this.detail = detail;
    }

    public Detail detail() {
        return detail;
    }
}
