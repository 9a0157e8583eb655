package dev.sealer.core.integrity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the chained authenticators of the suite history: event {@code i} must sit at position
 * {@code i} and authenticate its fields together with the authenticator of event {@code i - 1}.
 * A change, an insertion, a removal from the middle or a reordering breaks the chain at the
 * first event it touches. Removing the newest events is noticed against the history length a
 * checkpoint recorded ({@link Rows#checkpoint}).
 */
public final class SuiteHistoryCheck {
    /** One event as stored. */
    public record Event(long seq, long position, String suiteId, String type, Instant effectiveAt, String actor, String payload, byte[] rowMac) {
    }

    /** A broken link: the event (by its row sequence number) and what is wrong. */
    public record Problem(long seq, String detail) {
    }

    private SuiteHistoryCheck() {
    }

    public static List<Problem> problems(RowAuthenticator auth, List<Event> events) {
        List<Problem> out = new ArrayList<>();
        byte[] previous = new byte[0];
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (e.rowMac() == null) {
                out.add(new Problem(e.seq(), "suite event " + e.seq() + " (" + e.type() + " " + e.suiteId() + ") has no authenticator: this authority did not write it"));
            } else if (e.position() != i) {
                out.add(new Problem(e.seq(), "suite event " + e.seq() + " (" + e.type() + " " + e.suiteId() + ") claims position " + e.position()
                        + " but is event " + i + " of the history: an event was removed, inserted or reordered"));
            } else if (!auth.verifies(Rows.suiteEvent(i, previous, e.suiteId(), e.type(), e.effectiveAt(), e.actor(), e.payload()), e.rowMac())) {
                out.add(new Problem(e.seq(), "suite event " + e.seq() + " (" + e.type() + " " + e.suiteId() + ") does not match its authenticator:"
                        + " changed, or the event before it was"));
            }
            previous = e.rowMac() == null ? new byte[0] : e.rowMac();
        }
        return out;
    }
}
