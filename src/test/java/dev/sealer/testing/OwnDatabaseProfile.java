package dev.sealer.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A @QuarkusTest profile with a database of its own, for tests that rewrite the suite history
 * or aim at rows they wrote. Subclasses name their database ({@link #database()}).
 */
public class OwnDatabaseProfile implements QuarkusTestProfile {
    /** The database of this profile, created empty when the profile starts. */
    protected String database() {
        return "sealer_lifecycle";
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Resource.class, Map.of("database", database())));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sealer.suite.check-interval", "1s", "sealer.suite.handover", "PT1S");
    }

    public static class Resource extends SealerTestResource {
        private String database = "sealer_lifecycle";

        @Override
        public void init(Map<String, String> initArgs) {
            database = initArgs.getOrDefault("database", database);
        }

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("quarkus.datasource.jdbc.url", TestDatabase.get().newDatabase(database));
            return config;
        }
    }
}
