package dev.sealer.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.OwnDatabaseProfile;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.Unremovable;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a seal made over the real gRPC channel emits the service's own spans:
 * {@code sealer.sign} and {@code sealer.commit} for a SIGNED seal, {@code sealer.commit} and
 * {@code sealer.anchor} for an ANCHORED one, the commit span naming the seal it committed, in
 * the trace of the gRPC server span, and none of them failed. The spans are collected in memory
 * by an exporter bean that only this profile enables; every other test keeps tracing off.
 */
@QuarkusTest
@TestProfile(TracingTest.Profile.class)
class TracingTest {
    private static final AttributeKey<String> SEAL_ID = AttributeKey.stringKey("sealer.seal_id");
    private static final AttributeKey<String> MODE = AttributeKey.stringKey("sealer.mode");
    private static final AttributeKey<Long> LEAF_INDEX = AttributeKey.longKey("sealer.leaf_index");

    public static class Profile extends OwnDatabaseProfile {
        @Override
        protected String database() {
            return "sealer_tracing";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("quarkus.otel.sdk.disabled", "false");
            // the spans go to the CDI SpanExporter beans (Spans below), not to an OTLP collector
            m.put("quarkus.otel.traces.exporter", "cdi");
            m.put("quarkus.otel.exporter.otlp.enabled", "false");
            m.put("quarkus.otel.bsp.schedule.delay", "50ms");
            return m;
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(Spans.class);
        }
    }

    /** Every finished span, in memory; a bean only where a profile enables it. */
    @Alternative
    @Singleton
    @Unremovable
    public static class Spans implements SpanExporter {
        final InMemorySpanExporter memory = InMemorySpanExporter.create();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return memory.export(spans);
        }

        @Override
        public CompletableResultCode flush() {
            return memory.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return memory.shutdown();
        }
    }

    @GrpcClient("seals")
    SealServiceGrpc.SealServiceBlockingStub seals;
    @Inject
    Spans spans;

    @BeforeEach
    void forgetEarlierSpans() {
        spans.memory.reset();
    }

    @Test
    void signedSeal_emitsSignAndCommitSpans_commitNamesTheSealInTheServerTrace_noneFailed() throws Exception {
        SealResponse sealed = seals.seal(Grpc.request("tracing-signed").build());
        String sealId = sealed.getSeal().getSealId();

        SpanData commit = await("sealer.commit for " + sealId, s -> s.getName().equals("sealer.commit") && sealId.equals(s.getAttributes().get(SEAL_ID)));
        assertEquals("SIGNED", commit.getAttributes().get(MODE));
        SpanData sign = await("sealer.sign in the commit's trace", s -> s.getName().equals("sealer.sign") && s.getTraceId().equals(commit.getTraceId()));
        assertSameTraceAsServerSpan(commit);
        assertNoneFailed(List.of(sign, commit));
    }

    @Test
    void anchoredSeal_emitsCommitAndAnchorSpans_commitNamesTheSealInTheServerTrace_noneFailed() throws Exception {
        SealResponse sealed = seals.seal(Grpc.request("tracing-anchored").setMode(SealMode.ANCHORED).build());
        String sealId = sealed.getSeal().getSealId();
        long leaf = sealed.getSeal().getLeafIndex();

        SpanData commit = await("sealer.commit for " + sealId, s -> s.getName().equals("sealer.commit") && sealId.equals(s.getAttributes().get(SEAL_ID)));
        assertEquals("ANCHORED", commit.getAttributes().get(MODE));
        SpanData anchor = await("sealer.anchor of leaf " + leaf, s -> s.getName().equals("sealer.anchor") && Long.valueOf(leaf).equals(s.getAttributes().get(LEAF_INDEX)));
        assertEquals(commit.getTraceId(), anchor.getTraceId(), "the anchor span is in the commit's trace");
        assertEquals(commit.getSpanId(), anchor.getParentSpanId(), "the anchor span is a child of the commit span");
        assertFalse(spans.memory.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("sealer.sign") && s.getTraceId().equals(commit.getTraceId())),
                "an ANCHORED seal is not signed on its own");
        assertSameTraceAsServerSpan(commit);
        assertNoneFailed(List.of(commit, anchor));
    }

    /** The gRPC server span of the Seal call in the span's trace, when the extension made one (it does with quarkus.otel.instrument.grpc). */
    private void assertSameTraceAsServerSpan(SpanData ours) throws InterruptedException {
        Predicate<SpanData> sealServer = s -> s.getKind() == SpanKind.SERVER && s.getName().endsWith("SealService/Seal");
        Optional<SpanData> inTrace = poll(s -> sealServer.test(s) && s.getTraceId().equals(ours.getTraceId()));
        List<SpanData> servers = spans.memory.getFinishedSpanItems().stream().filter(sealServer).toList();
        if (servers.isEmpty()) {
            System.out.println("TracingTest: no gRPC server span was exported; spans seen: " + names());
            return;
        }
        assertNotEquals(Optional.empty(), inTrace, () -> ours.getName() + " (trace " + ours.getTraceId() + ") is not in the trace of a SealService/Seal server span; server spans: "
                + servers.stream().map(s -> s.getName() + "@" + s.getTraceId()).toList());
        assertEquals(StatusCode.UNSET.equals(inTrace.get().getStatus().getStatusCode()) || StatusCode.OK.equals(inTrace.get().getStatus().getStatusCode()), true,
                () -> "server span status " + inTrace.get().getStatus());
    }

    private void assertNoneFailed(List<SpanData> ours) {
        for (SpanData s : ours) {
            assertNotEquals(StatusCode.ERROR, s.getStatus().getStatusCode(), () -> s.getName() + " ended with " + s.getStatus());
        }
        List<String> failed = spans.memory.getFinishedSpanItems().stream().filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
                .map(s -> s.getName() + ": " + s.getStatus().getDescription()).toList();
        assertEquals(List.of(), failed, "no exported span has ERROR status");
    }

    private SpanData await(String what, Predicate<SpanData> match) throws InterruptedException {
        return poll(match).orElseThrow(() -> new AssertionError("no span " + what + " was exported within 10 s; spans seen: " + names()));
    }

    /** The first exported span that matches, waiting up to 10 s for the batch processor to export it. */
    private Optional<SpanData> poll(Predicate<SpanData> match) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Optional<SpanData> found = spans.memory.getFinishedSpanItems().stream().filter(match).findFirst();
            if (found.isPresent() || System.nanoTime() > until) {
                return found;
            }
            Thread.sleep(50);
        }
    }

    private String names() {
        return spans.memory.getFinishedSpanItems().stream().map(s -> s.getName() + "[" + s.getKind() + " " + s.getTraceId() + "]").collect(Collectors.joining(", "));
    }
}
