package dev.sealer.observe;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.RunIntegritySweepRequest;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * The domain metrics move when the service works (scraped from {@code /q/metrics} in the
 * Prometheus text format before and after), and a request's log lines carry its request id,
 * caller and seal id in the MDC.
 */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class ObservabilityTest {
    private static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$", Pattern.MULTILINE);

    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient
    LogServiceGrpc.LogServiceBlockingStub log;

    /** Every sample of the scrape: series (name and labels as printed) -> value. */
    private static Map<String, Double> scrape() {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> m = new HashMap<>();
        Matcher s = SAMPLE.matcher(text);
        while (s.find()) {
            m.put(s.group(1), Double.parseDouble(s.group(2)));
        }
        return m;
    }

    /** The sum of every series of {@code name} whose labels contain all of {@code labels} ("k=\"v\""). */
    private static double value(Map<String, Double> scrape, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (var e : scrape.entrySet()) {
            String series = e.getKey();
            if (!(series.equals(name) || series.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= series.contains(l);
            }
            if (all) {
                sum += e.getValue();
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    @Test
    void domainMetrics_moveWhenSealingAnchoringFailingAndSweeping() throws Exception {
        Map<String, Double> before = scrape();
        seals.seal(Grpc.request("metrics-signed").build());
        for (int i = 0; i < 2; i++) { // two checkpoints in a row: an interval between them
            SealResponse anchored = seals.seal(Grpc.request("metrics-anchored-" + i).setMode(SealMode.ANCHORED).build());
            assertTrue(anchored.hasAnchor());
        }
        assertThrows(StatusRuntimeException.class, () -> seals.seal(Grpc.request("metrics-bad").putLabels("Bad Key", "x").build()));
        log.runIntegritySweep(RunIntegritySweepRequest.getDefaultInstance());
        Thread.sleep(2_500); // one HSM probe (every 2 s)
        Map<String, Double> after = scrape();

        List<String> unmoved = new ArrayList<>();
        check(unmoved, before, after, "sealer_seals_total", "mode=\"SIGNED\"", "outcome=\"sealed\"");
        check(unmoved, before, after, "sealer_seals_total", "mode=\"ANCHORED\"", "outcome=\"sealed\"");
        check(unmoved, before, after, "sealer_seals_total", "outcome=\"INVALID_LABELS\"");
        check(unmoved, before, after, "sealer_commit_batch_size_seals_count");
        check(unmoved, before, after, "sealer_commit_batch_size_seals_sum");
        check(unmoved, before, after, "sealer_commit_duration_seconds_count");
        check(unmoved, before, after, "sealer_checkpoint_interval_seconds_count");
        check(unmoved, before, after, "sealer_log_size_entries");
        check(unmoved, before, after, "sealer_hsm_call_duration_seconds_count", "operation=\"probe\"");
        check(unmoved, before, after, "sealer_sweep_runs_total", "kind=\"full\"");
        assertTrue(unmoved.isEmpty(), "metrics that did not move:\n" + String.join("\n", unmoved));

        assertTrue(value(after, "sealer_log_size_entries") >= value(before, "sealer_log_size_entries") + 3);
        assertEquals(1.0, value(after, "sealer_hsm_up"));
        assertTrue(value(after, "sealer_suite_signing_remaining_days") > 300, "a fresh suite signs for a year");
        assertTrue(value(after, "sealer_sweep_last_run_timestamp_seconds") > 1.7e9);
        assertTrue(value(after, "sealer_sweep_last_findings") >= 0);
        assertTrue(value(after, "sealer_anchored_waiters") >= 0);
        assertTrue(value(after, "sealer_checkpoint_lag_entries") >= 0);
        assertTrue(value(after, "sealer_checkpoint_lag_seconds") >= 0);
        assertTrue(value(after, "sealer_audit_events_dropped_total") >= 0);
        // histograms for dashboards: buckets are published
        assertTrue(value(after, "sealer_commit_duration_seconds_bucket", "le=\"+Inf\"") >= 1);

        // every metric the Grafana dashboard and the alert rules in deploy/ use is one the service exports
        java.util.Set<String> exported = new java.util.TreeSet<>();
        after.keySet().forEach(series -> exported.add(series.replaceAll("\\{.*", "")));
        java.util.Set<String> used = new java.util.TreeSet<>();
        for (String f : List.of("deploy/base/grafana-dashboard.json", "deploy/base/prometheusrule.yaml")) {
            Matcher m = Pattern.compile("\\b((?:sealer|grpc_server)_[a-z0-9_]+)").matcher(java.nio.file.Files.readString(java.nio.file.Path.of(f)));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertTrue(used.size() >= 15, used.toString());
        used.removeAll(exported);
        assertTrue(used.isEmpty(), "the dashboard or the alerts use metrics the service does not export: " + used);
    }

    private static void check(List<String> unmoved, Map<String, Double> before, Map<String, Double> after, String name, String... labels) {
        double b = value(before, name, labels);
        double a = value(after, name, labels);
        if (Double.isNaN(a) || !(a > (Double.isNaN(b) ? 0 : b))) {
            unmoved.add(name + " " + String.join(",", labels) + ": " + b + " -> " + a);
        }
    }

    @Test
    void logLinesOfARequest_carryRequestIdCallerAndSealId() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("dev.sealer.grpc.SealGrpcService");
        List<ExtLogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r instanceof ExtLogRecord e) {
                    e.copyMdc();
                    records.add(e);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level level = logger.getLevel();
        logger.setLevel(Level.FINE);
        logger.addHandler(capture);
        try {
            Metadata headers = new Metadata();
            headers.put(REQUEST_ID, "obs-test-42");
            AtomicReference<Metadata> answered = new AtomicReference<>();
            SealResponse r = seals.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers),
                    MetadataUtils.newCaptureMetadataInterceptor(answered, new AtomicReference<>())).seal(Grpc.request("mdc").build());
            assertEquals("obs-test-42", answered.get().get(REQUEST_ID), "the request id is returned in the response headers");
            ExtLogRecord line = records.stream().filter(x -> x.getFormattedMessage().contains(r.getSeal().getSealId())).findFirst()
                    .orElseThrow(() -> new AssertionError("no log line of the seal among " + records.size()));
            assertEquals("obs-test-42", line.getMdc("request_id"));
            assertEquals("anonymous", line.getMdc("caller"));
            assertEquals(r.getSeal().getSealId(), line.getMdc("seal_id"));

            // without a header the service makes one up (16 hex digits) and says which
            seals.withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(answered, new AtomicReference<>())).seal(Grpc.request("mdc-2").build());
            assertTrue(answered.get().get(REQUEST_ID).matches("[0-9a-f]{16}"), answered.get().toString());
            // an unusable header (too long) is replaced, never logged as given
            headers.put(REQUEST_ID, "x".repeat(65));
            seals.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers),
                    MetadataUtils.newCaptureMetadataInterceptor(answered, new AtomicReference<>())).seal(Grpc.request("mdc-3").build());
            assertTrue(answered.get().get(REQUEST_ID).matches("[0-9a-f]{16}"), answered.get().toString());
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(level);
        }
    }
}
