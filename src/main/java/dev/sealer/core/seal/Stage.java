package dev.sealer.core.seal;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;

/** Lifecycle stage of the sealed artifact or event. */
public enum Stage {
    DATA_COLLECTION, DATA_PREPARATION, MODEL_DEVELOPMENT, TRAINING, EVALUATION, DEPLOYMENT, MONITORING, RETIREMENT,
    INFERENCE, OTHER;

    /** The name used in receipts, e.g. {@code data-collection}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static Stage fromId(String id) {
        for (Stage s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new SealerException(Reason.INVALID_STAGE, "unknown stage '" + id + "'");
    }
}
