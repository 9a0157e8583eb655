package dev.sealer.core.verify;

import dev.sealer.core.error.Reason;

/** The answer of a verification: VALID, or INVALID with a stable reason and a human-readable detail. */
public record Verdict(boolean valid, Reason reason, String detail) {
    public static Verdict valid(String detail) {
        return new Verdict(true, null, detail);
    }

    public static Verdict invalid(Reason reason, String detail) {
        return new Verdict(false, reason, detail);
    }
}
