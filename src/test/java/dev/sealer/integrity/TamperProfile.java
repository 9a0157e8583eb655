package dev.sealer.integrity;

import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A database of its own for the tamper battery: a small history the battery knows row by row. */
public class TamperProfile implements QuarkusTestProfile {
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
        return Map.of("sealer.sweep.initial-delay", "1h");
    }

    public static class Resource extends SealerTestResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("quarkus.datasource.jdbc.url", TestDatabase.get().newDatabase("sealer_tamper"));
            return config;
        }
    }
}
