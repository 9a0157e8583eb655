package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.dev.DevCertificates;
import dev.sealer.grpc.v1.AuditEvent;
import dev.sealer.grpc.v1.AuditServiceGrpc;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListAuditEventsRequest;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.ListSuitesRequest;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.TimeRange;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.MutualTlsProfile;
import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Who may do what, over real mutual TLS on a real channel (certificates from the dev profile's
 * own generator), against the real PostgreSQL and SoftHSM2 token: the roles, the public methods,
 * and the audit trail of denials, read back through ListAuditEvents and straight from the table.
 */
@QuarkusTest
@TestProfile(MutualTlsProfile.class)
@QuarkusTestResource(SealerTestResource.class)
class AccessControlTest {
    static final String SEALER_DN = "CN=dev-sealer,O=Sealer dev";
    static final String AUDITOR_DN = "CN=dev-auditor,O=Sealer dev";
    static final String KEY_ADMIN_DN = "CN=dev-key-admin,O=Sealer dev";
    static final String NOBODY_DN = "CN=dev-nobody,O=Sealer dev";
    private static final Map<String, ManagedChannel> CHANNELS = new ConcurrentHashMap<>();

    /** A TLS channel trusting the test CA, presenting {@code client}'s certificate (none when null). */
    static Channel channel(String client) {
        return CHANNELS.computeIfAbsent(client == null ? "<none>" : client, k -> channel(MutualTlsProfile.certificates(), client));
    }

    static ManagedChannel channel(DevCertificates certs, String client) {
        try {
            SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(MutualTlsProfile.certificates().caCertificate().toFile());
            if (client != null) {
                ssl.keyManager(certs.certificate(client).toFile(), certs.key(client).toFile());
            }
            int port = ConfigProvider.getConfig().getOptionalValue("quarkus.grpc.server.test-port", Integer.class).orElse(9001);
            return NettyChannelBuilder.forAddress("localhost", port).sslContext(ssl.build()).build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void closeChannels() {
        CHANNELS.values().forEach(ManagedChannel::shutdownNow);
        CHANNELS.clear();
    }

    static SealServiceGrpc.SealServiceBlockingStub seals(String client) {
        return SealServiceGrpc.newBlockingStub(channel(client)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static KeyServiceGrpc.KeyServiceBlockingStub keys(String client) {
        return KeyServiceGrpc.newBlockingStub(channel(client)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static AuditServiceGrpc.AuditServiceBlockingStub audit(String client) {
        return AuditServiceGrpc.newBlockingStub(channel(client)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static void assertRefused(Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, Grpc.code(e), e.toString());
        assertEquals(code.name(), Grpc.reason(e), e.toString());
    }

    @Test
    void devCertificates_keysAreOwnerOnlyAndTheServerCertificateNamesLocalhost() throws Exception {
        DevCertificates certs = MutualTlsProfile.certificates();
        for (String name : List.of("sealer", "auditor", "key-admin", "server", "ca")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.dir().resolve(name + ".key"))), name);
        }
        var server = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(certs.serverCertificate()));
        assertTrue(server.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("127.0.0.1")));
        assertTrue(server.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("localhost")));
    }

    @Test
    void noClientCertificate_onNonPublicMethods_isUnauthenticated_andAudited() {
        Instant start = Instant.now();
        assertRefused(Status.Code.UNAUTHENTICATED, () -> seals(null).seal(Grpc.request("anon").build()));
        assertRefused(Status.Code.UNAUTHENTICATED, () -> seals(null).listSeals(ListSealsRequest.newBuilder().setSigner(SEALER_DN).build()));
        assertRefused(Status.Code.UNAUTHENTICATED, () -> audit(null).listAuditEvents(ListAuditEventsRequest.getDefaultInstance()));

        List<AuditEvent> events = awaitAudit(CallerIdentity.ANONYMOUS, start, 3);
        assertTrue(events.stream().anyMatch(e -> e.getAction().equals("sealer.v1.SealService/Seal") && e.getOutcome().equals("UNAUTHENTICATED")),
                events.toString());
        assertTrue(events.stream().anyMatch(e -> e.getAction().equals("sealer.v1.AuditService/ListAuditEvents")), events.toString());
        assertTrue(tableRows(CallerIdentity.ANONYMOUS, "sealer.v1.SealService/Seal", start).contains("UNAUTHENTICATED"));
    }

    @Test
    void sealerCertificate_onAuditorOrKeyAdminMethods_isPermissionDenied_andAudited() {
        Instant start = Instant.now();
        String sealId = seals("sealer").seal(Grpc.request("denied-lookups").build()).getSeal().getSealId();
        assertRefused(Status.Code.PERMISSION_DENIED, () -> seals("sealer").getSeal(GetSealRequest.newBuilder().setSealId(sealId).build()));
        assertRefused(Status.Code.PERMISSION_DENIED, () -> seals("sealer").listSeals(ListSealsRequest.newBuilder().setSigner(SEALER_DN).build()));
        assertRefused(Status.Code.PERMISSION_DENIED, () -> keys("sealer").listSuites(ListSuitesRequest.getDefaultInstance()));
        assertRefused(Status.Code.PERMISSION_DENIED, () -> keys("sealer").rotateSuite(dev.sealer.grpc.v1.RotateSuiteRequest.getDefaultInstance()));
        assertRefused(Status.Code.PERMISSION_DENIED, () -> audit("sealer").listAuditEvents(ListAuditEventsRequest.getDefaultInstance()));

        List<AuditEvent> events = awaitAudit(SEALER_DN, start, 5);
        for (String method : List.of("sealer.v1.SealService/GetSeal", "sealer.v1.SealService/ListSeals", "sealer.v1.KeyService/ListSuites",
                "sealer.v1.KeyService/RotateSuite",
                "sealer.v1.AuditService/ListAuditEvents")) {
            assertTrue(events.stream().anyMatch(e -> e.getAction().equals(method) && e.getOutcome().equals("PERMISSION_DENIED")
                    && e.getDetail().contains("peer ")), method + " in " + events);
            assertTrue(tableRows(SEALER_DN, method, start).contains("PERMISSION_DENIED"), method);
        }
        // the allowed Seal is not an audited action
        assertFalse(events.stream().anyMatch(e -> e.getAction().equals("sealer.v1.SealService/Seal")), events.toString());
    }

    @Test
    void sealModel_needsTheSealerRole_auditorDeniedAnonymousUnauthenticated_andNothingIsStored() {
        byte[] statement = new dev.sealer.core.format.OmsStatement("denied-model", false, List.of(),
                List.of(new dev.sealer.core.format.OmsStatement.Resource("weights.bin", new byte[32]))).canonicalBytes();
        String rid = "denied-model-" + java.util.UUID.randomUUID();
        var request = dev.sealer.grpc.v1.SealModelRequest.newBuilder().setRequestId(rid).setStage(dev.sealer.grpc.v1.Stage.TRAINING)
                .setStatement(com.google.protobuf.ByteString.copyFrom(statement)).build();
        assertRefused(Status.Code.PERMISSION_DENIED, () -> dev.sealer.grpc.v1.FormatServiceGrpc.newBlockingStub(channel("auditor"))
                .withDeadlineAfter(30, TimeUnit.SECONDS).sealModel(request));
        assertRefused(Status.Code.UNAUTHENTICATED, () -> dev.sealer.grpc.v1.FormatServiceGrpc.newBlockingStub(channel(null))
                .withDeadlineAfter(30, TimeUnit.SECONDS).sealModel(request));
        assertEquals(0, seals("auditor").listSeals(ListSealsRequest.newBuilder().setRequestId(rid).build()).getSealsCount());
        var sealed = dev.sealer.grpc.v1.FormatServiceGrpc.newBlockingStub(channel("sealer")).withDeadlineAfter(30, TimeUnit.SECONDS).sealModel(request);
        assertTrue(sealed.getSeal().getSeal().getReceiptJson().toStringUtf8().contains("\"signer\":\"" + SEALER_DN + "\""));
    }

    @Test
    void sealerCertificate_seals_andTheReceiptSignerIsItsSubject() {
        SealRecord seal = seals("sealer").seal(Grpc.request("signed-by-pipeline").build()).getSeal();
        String receipt = seal.getReceiptJson().toStringUtf8();
        assertTrue(receipt.contains("\"signer\":\"" + SEALER_DN + "\""), receipt);
        assertEquals(seal, seals("auditor").getSeal(GetSealRequest.newBuilder().setSealId(seal.getSealId()).build()));
        assertTrue(seals("auditor").listSeals(ListSealsRequest.newBuilder().setRequestId(seal.getRequestId()).build()).getSealsList().contains(seal));
    }

    @Test
    void verifyAndTrustBundle_needNoClientCertificate() {
        SealRecord seal = seals("sealer").seal(Grpc.request("public-verify").build()).getSeal();
        var v = seals(null).verify(VerifyRequest.newBuilder().setSeal(seal).setDigest(Grpc.digest("public-verify")).build());
        assertEquals(Verdict.VALID, v.getVerdict(), v.getDetail());
        var byId = seals(null).verify(VerifyRequest.newBuilder().setSealId(seal.getSealId()).build());
        assertEquals(Verdict.VALID, byId.getVerdict(), byId.getDetail());
        assertFalse(keys(null).getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson().isEmpty());
    }

    @Test
    void verifyStream_isPublicLikeVerify_answersACallerWithoutCertificate() throws Exception {
        SealRecord seal = seals("sealer").seal(Grpc.request("public-verify-stream").build()).getSeal();
        List<dev.sealer.grpc.v1.VerifyResponse> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        var done = new java.util.concurrent.CompletableFuture<Void>();
        var in = SealServiceGrpc.newStub(channel(null)).withDeadlineAfter(30, TimeUnit.SECONDS).verifyStream(new io.grpc.stub.StreamObserver<>() {
            public void onNext(dev.sealer.grpc.v1.VerifyResponse r) { answers.add(r); }
            public void onError(Throwable t) { done.completeExceptionally(t); }
            public void onCompleted() { done.complete(null); }
        });
        in.onNext(VerifyRequest.newBuilder().setSealId(seal.getSealId()).setDigest(Grpc.digest("public-verify-stream")).build());
        in.onNext(VerifyRequest.newBuilder().setSeal(seal).setDigest(Grpc.digest("another artifact")).build());
        in.onCompleted();
        done.get(30, TimeUnit.SECONDS);
        assertEquals(List.of(Verdict.VALID, Verdict.INVALID), answers.stream().map(dev.sealer.grpc.v1.VerifyResponse::getVerdict).toList());
        assertEquals("ANCHOR_MISMATCH", answers.get(1).getReason());
    }

    @Test
    void rolesAreSeparate_auditorCannotSeal_keyAdminListsSuitesAndIsAudited_unmappedCertificateHasNoRole() {
        Instant start = Instant.now();
        assertRefused(Status.Code.PERMISSION_DENIED, () -> seals("auditor").seal(Grpc.request("auditor-seal").build()));
        assertRefused(Status.Code.PERMISSION_DENIED, () -> seals("key-admin").seal(Grpc.request("admin-seal").build()));
        assertRefused(Status.Code.PERMISSION_DENIED, () -> seals(MutualTlsProfile.NOBODY).seal(Grpc.request("nobody-seal").build()));
        assertFalse(keys("auditor").listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList().isEmpty());
        assertFalse(keys("key-admin").listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList().isEmpty());

        List<AuditEvent> admin = awaitAudit(KEY_ADMIN_DN, start, 2);
        assertTrue(admin.stream().anyMatch(e -> e.getAction().equals(MutualTlsProfile.AUDITED_METHOD) && e.getOutcome().equals("OK")), admin.toString());
        assertTrue(admin.stream().anyMatch(e -> e.getAction().equals("sealer.v1.SealService/Seal") && e.getOutcome().equals("PERMISSION_DENIED")));
        List<AuditEvent> nobody = awaitAudit(NOBODY_DN, start, 1);
        assertTrue(nobody.getFirst().getDetail().contains("has no role"), nobody.toString());
    }

    @Test
    void certificateFromAnotherCa_isRejectedInTheHandshake(@org.junit.jupiter.api.io.TempDir Path dir) {
        ManagedChannel foreign = channel(DevCertificates.createIfMissing(dir), "sealer");
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> SealServiceGrpc.newBlockingStub(foreign).withDeadlineAfter(30, TimeUnit.SECONDS).seal(Grpc.request("foreign").build()));
            assertEquals(Status.Code.UNAVAILABLE, Grpc.code(e), e.toString());
        } finally {
            foreign.shutdownNow();
        }
    }

    @Test
    void listAuditEvents_pagesAndFiltersByActorAndTime() {
        Instant start = Instant.now();
        for (int i = 0; i < 5; i++) {
            assertRefused(Status.Code.PERMISSION_DENIED, () -> keys(MutualTlsProfile.NOBODY).listSuites(ListSuitesRequest.getDefaultInstance()));
        }
        awaitAudit(NOBODY_DN, start, 5);
        TimeRange range = TimeRange.newBuilder().setFrom(ProtoMapper.timestamp(start)).build();
        List<AuditEvent> all = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            var page = audit("auditor").listAuditEvents(ListAuditEventsRequest.newBuilder().setActor(NOBODY_DN).setOccurred(range)
                    .setAction("sealer.v1.KeyService/ListSuites").setPageSize(2).setPageToken(token).build());
            all.addAll(page.getEventsList());
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(5, all.size());
        assertEquals(3, pages);
        assertEquals(5, all.stream().map(AuditEvent::getEventSeq).distinct().count());
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> audit("auditor").listAuditEvents(ListAuditEventsRequest.newBuilder().setPageSize(5000).build()));
    }

    /** Polls ListAuditEvents (as auditor) until at least {@code n} events of {@code actor} since {@code from} are there. */
    static List<AuditEvent> awaitAudit(String actor, Instant from, int n) {
        return await(() -> {
            List<AuditEvent> events = audit("auditor").listAuditEvents(ListAuditEventsRequest.newBuilder().setActor(actor)
                    .setOccurred(TimeRange.newBuilder().setFrom(ProtoMapper.timestamp(from.minusMillis(1)))).setPageSize(1000).build()).getEventsList();
            return events.size() >= n ? events : null;
        }, "audit events of " + actor);
    }

    /** The outcomes of {@code actor}'s rows for {@code action}, read straight from the table. */
    static List<String> tableRows(String actor, String action, Instant from) {
        try (Connection c = TestDatabase.get().connect();
                PreparedStatement ps = c.prepareStatement("select outcome from audit_events where actor = ? and action = ? and occurred_at >= ?")) {
            ps.setString(1, actor);
            ps.setString(2, action);
            ps.setTimestamp(3, java.sql.Timestamp.from(from.minusMillis(1)));
            List<String> outcomes = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    outcomes.add(rs.getString(1));
                }
            }
            return outcomes;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T await(Supplier<T> probe, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
