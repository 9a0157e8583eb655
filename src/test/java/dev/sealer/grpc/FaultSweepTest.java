package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.sealer.dev.EmbeddedDatabase;
import dev.sealer.grpc.v1.AuditServiceGrpc;
import dev.sealer.grpc.v1.GetCheckpointRequest;
import dev.sealer.grpc.v1.GetConsistencyProofRequest;
import dev.sealer.grpc.v1.GetInclusionProofRequest;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListAffectedSealsRequest;
import dev.sealer.grpc.v1.ListAuditEventsRequest;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.ListSuitesRequest;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.ResealAffectedRequest;
import dev.sealer.grpc.v1.RevokeSuiteRequest;
import dev.sealer.grpc.v1.RotateSuiteRequest;
import dev.sealer.grpc.v1.RunIntegritySweepRequest;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.OwnDatabaseProfile;
import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every RPC of every service, with the HSM taken away and then with the database taken away: no
 * answer is INTERNAL or UNKNOWN, every error carries an ErrorInfo reason. The RPCs come from the
 * service descriptors, so a new RPC without an entry in {@link #requests} fails the sweep. Runs on a
 * database of its own: a call that succeeds (a revocation, a rotation) must not change other tests' suites.
 */
@QuarkusTest
@TestProfile(FaultSweepTest.Profile.class)
class FaultSweepTest {
    public static class Profile extends OwnDatabaseProfile {
        @Override
        protected String database() {
            return "sealer_fault_sweep";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(super.getConfigOverrides());
            // the token comes back at the end of the HSM case: take it up again within a second or two
            m.put("sealer.hsm.probe-interval", "1s");
            m.put("sealer.hsm.recovery-backoff-max", "PT1S");
            return m;
        }
    }

    /** The services of proto/ plus gRPC health: the sweep covers each method of each. */
    private static final List<ServiceDescriptor> SERVICES = List.of(SealServiceGrpc.getServiceDescriptor(),
            KeyServiceGrpc.getServiceDescriptor(), LogServiceGrpc.getServiceDescriptor(), AuditServiceGrpc.getServiceDescriptor(),
            dev.sealer.grpc.v1.TimestampServiceGrpc.getServiceDescriptor(), dev.sealer.grpc.v1.LineageServiceGrpc.getServiceDescriptor(),
            dev.sealer.grpc.v1.FormatServiceGrpc.getServiceDescriptor(),
            HealthGrpc.getServiceDescriptor());

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.grpc.server.test-port", Integer.class).orElse(9001);
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void sweepCoversEveryServiceDeclaredInProto() throws Exception {
        Set<String> declared = new TreeSet<>();
        Pattern packageLine = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
        Pattern serviceLine = Pattern.compile("^service\\s+(\\w+)\\s*\\{", Pattern.MULTILINE);
        try (Stream<Path> files = Files.walk(Path.of("proto"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".proto")).toList()) {
                String text = Files.readString(p);
                Matcher pkg = packageLine.matcher(text);
                String prefix = pkg.find() ? pkg.group(1) + "." : "";
                Matcher s = serviceLine.matcher(text);
                while (s.find()) {
                    declared.add(prefix + s.group(1));
                }
            }
        }
        Set<String> swept = new TreeSet<>();
        SERVICES.forEach(d -> swept.add(d.getName()));
        assertTrue(swept.containsAll(declared), "services in proto/ " + declared + ", swept " + swept);
    }

    @Test
    void withTheHsmTokenGone_noRpcAnswersInternalOrUnknown_andEveryErrorHasAReason() throws Exception {
        Map<String, Message> requests = requests();
        // the token's files are taken away (a removed token): the service's recovery cannot find it until they return,
        // where a logged-out session would be logged in again by the next probe
        Path tokenDir = tokenDirectory(TestHsm.GOOD);
        Path away = TestHsm.get().dir().resolve(tokenDir.getFileName() + ".away"); // outside tokens/, where the module looks
        Map<String, String> answers;
        java.nio.file.Files.move(tokenDir, away);
        try {
            awaitSealRefused();
            answers = sweep(requests);
        } finally {
            java.nio.file.Files.move(away, tokenDir);
        }
        assertNoInternalOrUnknown(answers);
        for (String m : List.of("sealer.v1.SealService/Seal", "sealer.v1.SealService/SealStream", "sealer.v1.KeyService/RotateSuite",
                "sealer.v1.KeyService/RevokeSuite", "sealer.v1.TimestampService/Timestamp")) {
            assertEquals("UNAVAILABLE HSM_UNAVAILABLE", answers.get(m), m + " while the HSM token is gone; all answers: " + answers);
        }
        awaitSealAccepted();
    }

    @Test
    void withTheDatabaseStopped_noRpcAnswersInternalOrUnknown_andEveryErrorHasAReason() throws Exception {
        Assumptions.assumeTrue(TestDatabase.get().embedded().isPresent(), "needs the embedded server to stop it");
        EmbeddedDatabase db = TestDatabase.get().embedded().orElseThrow();
        Map<String, Message> requests = requests();
        Map<String, String> answers;
        db.stopServer();
        try {
            answers = sweep(requests);
        } finally {
            db.startServer();
        }
        assertNoInternalOrUnknown(answers);
        for (String m : List.of("sealer.v1.SealService/Seal", "sealer.v1.SealService/GetSeal", "sealer.v1.SealService/ListSeals",
                "sealer.v1.LogService/GetInclusionProof")) {
            assertEquals("UNAVAILABLE STORE_UNAVAILABLE", answers.get(m), m + " while the database is down; all answers: " + answers);
        }
        assertEquals("OK", answers.get("sealer.v1.KeyService/GetTrustBundle"), "the trust bundle is served from memory");
        awaitSealAccepted();
    }

    /**
     * A minimal valid request per full method name, against state made while everything works: a seal,
     * and a rotation so that an earlier suite exists to revoke (not the active one: the sweep must not
     * take the signing suite away from the tests that follow).
     */
    private Map<String, Message> requests() {
        var seals = SealServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        var keys = KeyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        String sealId = awaitSealAccepted();
        String old = keys.rotateSuite(RotateSuiteRequest.getDefaultInstance()).getActiveSuiteId();
        keys.rotateSuite(RotateSuiteRequest.newBuilder().setExpectedActiveSuiteId(old).build());
        Map<String, Message> r = new LinkedHashMap<>();
        String run = "sweep-" + UUID.randomUUID().toString().substring(0, 8);
        r.put("sealer.v1.SealService/Seal", Grpc.request(run + "-unary").setRequestId(run + "-unary").build());
        r.put("sealer.v1.SealService/SealStream", Grpc.request(run + "-stream").setRequestId(run + "-stream").build());
        r.put("sealer.v1.SealService/Verify", VerifyRequest.newBuilder().setSealId(sealId).build());
        r.put("sealer.v1.SealService/VerifyStream", VerifyRequest.newBuilder().setSealId(sealId).build());
        r.put("sealer.v1.SealService/GetSeal", GetSealRequest.newBuilder().setSealId(sealId).build());
        r.put("sealer.v1.SealService/ListSeals", ListSealsRequest.newBuilder().setSigner("anonymous").build());
        r.put("sealer.v1.KeyService/GetTrustBundle", GetTrustBundleRequest.getDefaultInstance());
        r.put("sealer.v1.KeyService/ListSuites", ListSuitesRequest.getDefaultInstance());
        r.put("sealer.v1.KeyService/RotateSuite", RotateSuiteRequest.getDefaultInstance());
        r.put("sealer.v1.KeyService/RevokeSuite", RevokeSuiteRequest.newBuilder().setSuiteId(old)
                .setCompromisedSince(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).setReason("fault sweep").build());
        r.put("sealer.v1.KeyService/ListAffectedSeals", ListAffectedSealsRequest.newBuilder().setSuiteId(old).build());
        r.put("sealer.v1.KeyService/ResealAffected", ResealAffectedRequest.newBuilder().setSuiteId(old).build());
        r.put("sealer.v1.LogService/GetCheckpoint", GetCheckpointRequest.getDefaultInstance());
        r.put("sealer.v1.LogService/GetInclusionProof", GetInclusionProofRequest.newBuilder().setSealId(sealId).build());
        r.put("sealer.v1.LogService/GetConsistencyProof", GetConsistencyProofRequest.newBuilder().setFromSize(1).build());
        r.put("sealer.v1.LogService/RunIntegritySweep", RunIntegritySweepRequest.getDefaultInstance());
        r.put("sealer.v1.AuditService/ListAuditEvents", ListAuditEventsRequest.getDefaultInstance());
        r.put("sealer.v1.AuditService/MaterializeEvidence", dev.sealer.grpc.v1.MaterializeEvidenceRequest.newBuilder().setSealId(sealId)
                .setReason(dev.sealer.grpc.v1.EvidenceReason.EVIDENCE_REASON_AUDIT).build());
        r.put("sealer.v1.TimestampService/Timestamp", dev.sealer.grpc.v1.TimestampRequest.newBuilder().setDigest(Grpc.digest(run + "-tsa")).build());
        r.put("sealer.v1.LineageService/CreateMetaSeal", dev.sealer.grpc.v1.CreateMetaSealRequest.newBuilder().setRequestId(run + "-meta")
                .setSubject("model:sweep@1").addSealIds(sealId).build());
        r.put("sealer.v1.FormatService/SealModel", dev.sealer.grpc.v1.SealModelRequest.newBuilder().setRequestId(run + "-model")
                .setStatement(com.google.protobuf.ByteString.copyFrom(new dev.sealer.core.format.OmsStatement(run + "-model", false, List.of(),
                        List.of(new dev.sealer.core.format.OmsStatement.Resource("weights.bin", Grpc.sha256(run)))).canonicalBytes()))
                .setStage(dev.sealer.grpc.v1.Stage.TRAINING).build());
        r.put("sealer.v1.LineageService/VerifyLineage", dev.sealer.grpc.v1.VerifyLineageRequest.newBuilder().setMetaSealId(sealId).build());
        r.put("sealer.v1.LineageService/GetLineageFile", dev.sealer.grpc.v1.GetLineageFileRequest.newBuilder().setMetaSealId(sealId).build());
        r.put("sealer.v1.LineageService/ListLineage", dev.sealer.grpc.v1.ListLineageRequest.newBuilder().setSealId(sealId)
                .setDirection(dev.sealer.grpc.v1.LineageDirection.LINEAGE_DESCENDANTS).build());
        r.put("grpc.health.v1.Health/Check", HealthCheckRequest.getDefaultInstance());
        r.put("grpc.health.v1.Health/Watch", HealthCheckRequest.getDefaultInstance());
        return r;
    }

    /** Calls every method of every service once; answer per full method name: "OK" or "CODE REASON". */
    private Map<String, String> sweep(Map<String, Message> requests) {
        Map<String, String> answers = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (ServiceDescriptor service : SERVICES) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                Message request = requests.get(method.getFullMethodName());
                if (request == null) {
                    missing.add(method.getFullMethodName());
                    continue;
                }
                answers.put(method.getFullMethodName(), call(method, request));
            }
        }
        assertEquals(List.of(), missing, "RPCs without a request in the sweep table");
        return answers;
    }

    @SuppressWarnings("unchecked")
    private String call(MethodDescriptor<?, ?> descriptor, Message request) {
        MethodDescriptor<Object, Object> method = (MethodDescriptor<Object, Object>) descriptor;
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
        try {
            switch (method.getType()) {
                case UNARY -> ClientCalls.blockingUnaryCall(channel, method, options, request);
                case SERVER_STREAMING -> {
                    var it = ClientCalls.blockingServerStreamingCall(channel, method, options, request);
                    it.next(); // the first answer is enough (health Watch never ends by itself)
                }
                case BIDI_STREAMING, CLIENT_STREAMING -> {
                    ClientCall<Object, Object> call = channel.newCall(method, options);
                    CompletableFuture<Object> first = new CompletableFuture<>();
                    StreamObserver<Object> in = new StreamObserver<>() {
                        @Override
                        public void onNext(Object value) {
                            first.complete(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            first.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            first.complete(null);
                        }
                    };
                    StreamObserver<Object> out = method.getType() == MethodDescriptor.MethodType.BIDI_STREAMING
                            ? ClientCalls.asyncBidiStreamingCall(call, in) : ClientCalls.asyncClientStreamingCall(call, in);
                    out.onNext(request);
                    out.onCompleted();
                    try {
                        first.get(35, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw e.getCause();
                    }
                }
                default -> throw new AssertionError("unknown method type " + method.getType());
            }
            return "OK";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + " " + Grpc.reason(e);
        } catch (Throwable t) {
            return "client failure " + t;
        }
    }

    private static void assertNoInternalOrUnknown(Map<String, String> answers) {
        List<String> bad = new ArrayList<>();
        answers.forEach((method, answer) -> {
            boolean ok = answer.equals("OK");
            boolean reasoned = !ok && answer.matches("[A-Z_]+ [A-Z_]+") && !answer.startsWith(Status.Code.INTERNAL + " ")
                    && !answer.startsWith(Status.Code.UNKNOWN + " ") && !answer.startsWith(Status.Code.DEADLINE_EXCEEDED + " ");
            if (!ok && !reasoned) {
                bad.add(method + " -> " + answer);
            }
        });
        assertEquals(List.of(), bad, "answers that are INTERNAL/UNKNOWN, time out, or carry no ErrorInfo reason; all answers: " + answers);
    }

    /** C_Logout on the token, again and again: the service logs in again on its own every probe interval. */
    /** The directory of the token labelled {@code label} in the test token store (its token.object carries the label). */
    private static Path tokenDirectory(String label) throws java.io.IOException {
        try (var dirs = java.nio.file.Files.list(TestHsm.get().dir().resolve("tokens"))) {
            List<Path> found = new ArrayList<>();
            for (Path d : dirs.filter(java.nio.file.Files::isDirectory).toList()) {
                Path object = d.resolve("token.object");
                if (java.nio.file.Files.exists(object) && new String(java.nio.file.Files.readAllBytes(object),
                        java.nio.charset.StandardCharsets.ISO_8859_1).contains(label + " ")) {
                    found.add(d);
                }
            }
            assertEquals(1, found.size(), "one token directory labelled " + label + ": " + found);
            return found.getFirst();
        }
    }


    private void awaitSealRefused() throws InterruptedException {
        var seals = SealServiceGrpc.newBlockingStub(channel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String id = "sweep-probe-" + UUID.randomUUID();
            try {
                seals.withDeadlineAfter(10, TimeUnit.SECONDS).seal(Grpc.request(id).setRequestId(id).build());
            } catch (StatusRuntimeException e) {
                if ("HSM_UNAVAILABLE".equals(Grpc.reason(e))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("sealing did not notice the HSM token was gone within 20 s");
    }

    /** Seals until the service accepts again (after a fault): other tests find it working. Returns the seal id. */
    private String awaitSealAccepted() {
        var seals = SealServiceGrpc.newBlockingStub(channel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StatusRuntimeException last = null;
        while (System.nanoTime() < deadline) {
            String id = "sweep-ok-" + UUID.randomUUID();
            try {
                return seals.withDeadlineAfter(10, TimeUnit.SECONDS).seal(Grpc.request(id).setRequestId(id).build()).getSeal().getSealId();
            } catch (StatusRuntimeException e) {
                last = e;
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(ie);
                }
            }
        }
        throw new AssertionError("sealing did not work within 60 s", last);
    }
}
