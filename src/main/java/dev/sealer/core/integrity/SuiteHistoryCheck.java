package dev.sealer.core.integrity;

import java.time.Instant;
import java.util.List;

/** The suite history as a {@link ChainCheck}: what the registry checks before it folds the events, and what the sweep reports. */
public final class SuiteHistoryCheck {
    /** One event as stored. */
    public record Event(long seq, long position, String suiteId, String type, Instant effectiveAt, String actor, String payload, byte[] rowMac) {
    }

    private SuiteHistoryCheck() {
    }

    public static List<ChainCheck.Problem> problems(RowAuthenticator auth, List<Event> events) {
        return ChainCheck.problems(auth, events.stream().map(e -> new ChainCheck.Link(e.seq(), e.position(), e.rowMac(),
                "suite event " + e.seq() + " (" + e.type() + " " + e.suiteId() + ")",
                prev -> Rows.suiteEvent(e.position(), prev, e.suiteId(), e.type(), e.effectiveAt(), e.actor(), e.payload()))).toList());
    }
}
