package dev.sealer.store;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.sql.SQLException;

/** Turns JDBC failures into domain errors: WORM_VIOLATION for the append-only triggers, else STORE_UNAVAILABLE. */
public final class StoreException {
    public static final String WORM_SQLSTATE = "SW001";

    private StoreException() {
    }

    public static SealerException from(SQLException e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && WORM_SQLSTATE.equals(s.getSQLState())) {
                return new SealerException(Reason.WORM_VIOLATION, what + ": append-only table refused the change", e);
            }
        }
        return new SealerException(Reason.STORE_UNAVAILABLE, what + ": database unavailable (" + e.getSQLState() + ")", e);
    }
}
