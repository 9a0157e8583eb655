package dev.sealer.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.equalTo;

import dev.sealer.dev.EmbeddedDatabase;
import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class ReadinessTest {

    @Test
    void ready_withHsmAndDatabase_isUpAndNamesBothChecks() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("hsm", "database"));
    }

    @Test
    void ready_whenPostgresStopsAndStartsAgain_goesDownThenUpWithoutRestart() {
        Assumptions.assumeTrue(TestDatabase.get().embedded().isPresent(), "needs the embedded server to stop it");
        EmbeddedDatabase db = TestDatabase.get().embedded().orElseThrow();
        db.stopServer();
        try {
            given().get("/q/health/ready").then().statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'database' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'hsm' }.status", equalTo("UP"));
        } finally {
            db.startServer();
        }
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void live_isUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metrics_arePublishedForPrometheus() {
        given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString("jvm_memory_used_bytes"));
    }
}
