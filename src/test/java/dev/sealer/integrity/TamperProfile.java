package dev.sealer.integrity;

import dev.sealer.testing.OwnDatabaseProfile;
import java.util.Map;

/** A database of its own for the tamper battery: a small history the battery knows row by row. */
public class TamperProfile extends OwnDatabaseProfile {
    @Override
    protected String database() {
        return "sealer_tamper";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sealer.sweep.initial-delay", "1h");
    }
}
