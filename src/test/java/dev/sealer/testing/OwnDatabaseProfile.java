package dev.sealer.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** A @QuarkusTest profile with a database of its own, for tests that rewrite the suite history. */
public class OwnDatabaseProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Resource.class));
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
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new java.util.HashMap<>(super.start());
            config.put("quarkus.datasource.jdbc.url", TestDatabase.get().newDatabase("sealer_lifecycle"));
            return config;
        }
    }
}
