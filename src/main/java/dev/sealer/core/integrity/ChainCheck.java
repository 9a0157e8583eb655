package dev.sealer.core.integrity;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks a history whose rows are chained: row {@code i} must sit at position {@code i} and
 * authenticate its fields together with the authenticator of row {@code i - 1} (an empty byte
 * string for the first). A change, an insertion, a removal from the middle or a reordering
 * breaks the chain at the first row it touches; removing the newest rows is noticed against
 * the history length a checkpoint recorded ({@link Rows#checkpoint}). Used for the suite
 * history and the audit trail.
 */
public final class ChainCheck {
    /** One stored row: its sequence number, claimed position, authenticator, a label for findings, and its message given the previous authenticator. */
    public record Link(long seq, long position, byte[] rowMac, String label, Function<byte[], RowMessage> message) {
    }

    /** A broken link: the row (by its sequence number) and what is wrong. */
    public record Problem(long seq, String detail) {
    }

    private ChainCheck() {
    }

    public static List<Problem> problems(RowAuthenticator auth, List<Link> links) {
        Walker w = new Walker(auth);
        List<Problem> out = new ArrayList<>();
        links.forEach(l -> w.next(l).ifPresent(out::add));
        return out;
    }

    /** The same check one row at a time, for histories streamed from the database. */
    public static final class Walker {
        private final RowAuthenticator auth;
        private byte[] previous = new byte[0];
        private long index;

        public Walker(RowAuthenticator auth) {
            this.auth = auth;
        }

        /** Rows seen so far. */
        public long length() {
            return index;
        }

        public java.util.Optional<Problem> next(Link l) {
            long i = index++;
            Problem p = null;
            if (l.rowMac() == null) {
                p = new Problem(l.seq(), l.label() + " has no authenticator: this authority did not write it");
            } else if (l.position() != i) {
                p = new Problem(l.seq(), l.label() + " claims position " + l.position() + " but is row " + i
                        + " of the history: a row was removed, inserted or reordered");
            } else if (!auth.verifies(l.message().apply(previous), l.rowMac())) {
                p = new Problem(l.seq(), l.label() + " does not match its authenticator: changed, or not written by this authority");
            }
            previous = l.rowMac() == null ? new byte[0] : l.rowMac();
            return java.util.Optional.ofNullable(p);
        }
    }
}
