package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.cli.SealerCli;
import dev.sealer.core.lineage.LineageFile;
import dev.sealer.core.lineage.LineageManifest;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.grpc.v1.CreateMetaSealRequest;
import dev.sealer.grpc.v1.CreateMetaSealResponse;
import dev.sealer.grpc.v1.GetLineageFileRequest;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.LineageNodeVerdict;
import dev.sealer.grpc.v1.LineageServiceGrpc;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.RevokeSuiteRequest;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Stage;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyLineageRequest;
import dev.sealer.grpc.v1.VerifyLineageResponse;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.OwnDatabaseProfile;
import dev.sealer.testing.TestClock;
import dev.sealer.testing.TestDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Meta-seals end to end on the real service (PostgreSQL, SoftHSM2, gRPC): a model's lifecycle (dataset, training run,
 * evaluation, deployment) bound into one meta-seal that is a seal like any other, verified online (VerifyLineage) and
 * offline ({@code sealer verify --lineage} on the file the service produces: exit 0, exit 2 once tampered); every refusal at
 * creation with its stable reason naming the seal; read-time integrity of the stored manifest and the bound rows; and a
 * bound seal under a revoked suite named with its stage and the compromise time. The revocation runs last: it ends the suite.
 */
@QuarkusTest
@TestProfile(LineageTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LineageTest {
    static final String DATABASE = "sealer_lineage";

    public static class Profile extends OwnDatabaseProfile {
        @Override
        protected String database() {
            return DATABASE;
        }
    }

    @GrpcClient("seals")
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient("seals")
    LineageServiceGrpc.LineageServiceBlockingStub lineage;
    @GrpcClient("seals")
    KeyServiceGrpc.KeyServiceBlockingStub keys;
    @GrpcClient("seals")
    dev.sealer.grpc.v1.LogServiceGrpc.LogServiceBlockingStub logs;

    record Lifecycle(SealResponse dataset, SealResponse training, SealResponse evaluation, SealResponse deployment) {
        List<String> ids() {
            return List.of(dataset.getSeal().getSealId(), training.getSeal().getSealId(), evaluation.getSeal().getSealId(), deployment.getSeal().getSealId());
        }
    }

    Lifecycle lifecycle(String tag) {
        SealResponse dataset = seals.seal(Grpc.request(tag + "-dataset").setStage(Stage.DATA_COLLECTION).build());
        SealResponse training = seals.seal(Grpc.request(tag + "-training").setStage(Stage.TRAINING).addParentSealIds(dataset.getSeal().getSealId()).build());
        SealResponse evaluation = seals.seal(Grpc.request(tag + "-evaluation").setStage(Stage.EVALUATION).setMode(SealMode.ANCHORED)
                .addParentSealIds(training.getSeal().getSealId()).build());
        SealResponse deployment = seals.seal(Grpc.request(tag + "-deployment").setStage(Stage.DEPLOYMENT).addParentSealIds(evaluation.getSeal().getSealId()).build());
        return new Lifecycle(dataset, training, evaluation, deployment);
    }

    static CreateMetaSealRequest.Builder meta(String subject, List<String> ids) {
        return CreateMetaSealRequest.newBuilder().setRequestId("meta-" + UUID.randomUUID()).setSubject(subject).addAllSealIds(ids);
    }

    Path trustBundle(Path dir) throws Exception {
        return Files.writeString(dir.resolve("trust.json"), keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
    }

    record Run(int exit, String out) {
    }

    static Run cli(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var cl = SealerCli.commandLine();
        cl.setOut(new PrintWriter(bytes, true));
        cl.setErr(new PrintWriter(bytes, true));
        int exit = cl.execute(args);
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void createMetaSeal_overAModelLifecycle_isADualSignedSealInTheLog_committingToTheManifest() throws Exception {
        Lifecycle l = lifecycle("fraud");
        CreateMetaSealResponse r = lineage.createMetaSeal(meta("model:fraud-detector@2.3.0", l.ids()).putLabels("team", "ml-platform").build());
        assertEquals("default@1", r.getPolicy());
        assertEquals(4, r.getBoundCount());
        SealResponse m = r.getMetaSeal();
        assertFalse(m.getSeal().getEd25519Signature().isEmpty() || m.getSeal().getMlDsaSignature().isEmpty(), "dual-signed");

        // a seal like any other: GetSeal has it, Verify says VALID for the manifest's SHA-256 as the artifact
        assertArrayEquals(m.getSeal().getReceiptJson().toByteArray(), seals.getSeal(GetSealRequest.newBuilder().setSealId(m.getSeal().getSealId()).build())
                .getReceiptJson().toByteArray());
        byte[] manifestSha = java.security.MessageDigest.getInstance("SHA-256").digest(r.getManifest().toByteArray());
        var v = seals.verify(VerifyRequest.newBuilder().setSealId(m.getSeal().getSealId()).setDigest(dev.sealer.grpc.v1.Digest.newBuilder()
                .setAlgorithm(dev.sealer.grpc.v1.DigestAlgorithm.SHA_256).setValue(com.google.protobuf.ByteString.copyFrom(manifestSha))).build());
        assertEquals(Verdict.VALID, v.getVerdict(), v.getDetail());
        SealBundle bundle = SealBundle.parse(m.getSealBundleJson());
        assertEquals("default@1", bundle.receipt().labels().get(LineageManifest.LABEL_POLICY));
        assertEquals("ml-platform", bundle.receipt().labels().get("team"));
        assertEquals("model:fraud-detector@2.3.0", bundle.receipt().subject());

        // the manifest binds each stage seal by its log leaf hash, in ascending seal id order
        LineageManifest manifest = LineageManifest.parse(r.getManifest().toByteArray());
        assertEquals(l.ids().stream().sorted().toList(), manifest.bound().stream().map(n -> n.sealId().toString()).toList());
        byte[] evaluationLeaf = dev.sealer.core.merkle.Rfc6962.leafHash(l.evaluation().getSeal().getReceiptJson().toByteArray());
        assertTrue(manifest.bound().stream().anyMatch(n -> java.util.Arrays.equals(n.leafHash(), evaluationLeaf)));

        // and the plain offline verifier accepts the meta-seal as a seal whose artifact is the manifest
        Path dir = Files.createTempDirectory("lineage");
        Path trust = trustBundle(dir);
        Path metaFile = Files.writeString(dir.resolve("meta.seal.json"), m.getSealBundleJson());
        Path manifestFile = Files.write(dir.resolve("manifest.json"), r.getManifest().toByteArray());
        Run plain = cli("verify", "--seal", metaFile.toString(), "--trust-bundle", trust.toString(), "--file", manifestFile.toString());
        assertEquals(0, plain.exit(), plain.out());

        // idempotent: the same request id and lineage answer the original meta-seal
        CreateMetaSealResponse again = lineage.createMetaSeal(meta("model:fraud-detector@2.3.0", l.ids()).setRequestId(bundle.receipt().requestId())
                .putLabels("team", "ml-platform").build());
        assertTrue(again.getMetaSeal().getReplayed());
        assertEquals(m.getSeal().getSealId(), again.getMetaSeal().getSeal().getSealId());
    }

    @Test
    @Order(2)
    void verifyLineage_onlineAndOffline_isValidWithAVerdictPerNode_andATamperedFileExitsTwo() throws Exception {
        Lifecycle l = lifecycle("churn");
        CreateMetaSealResponse r = lineage.createMetaSeal(meta("model:churn@1.0.0", l.ids()).setMode(SealMode.ANCHORED).build());
        String metaId = r.getMetaSeal().getSeal().getSealId();

        VerifyLineageResponse online = lineage.verifyLineage(VerifyLineageRequest.newBuilder().setMetaSealId(metaId).build());
        assertEquals(Verdict.VALID, online.getVerdict(), online.getDetail());
        assertEquals(5, online.getNodesCount());
        assertEquals("meta-seal", online.getNodes(0).getRole());
        assertTrue(online.getNodesList().stream().allMatch(n -> n.getVerdict() == Verdict.VALID), online.toString());
        assertEquals(List.of("data-collection", "training", "evaluation", "deployment"), online.getNodesList().stream().skip(1)
                .map(LineageNodeVerdict::getStage).toList(), "seal ids are time-ordered: the canonical order here is the sealing order");

        // the artifact of one stage changed on disk: exactly that node fails
        VerifyLineageResponse edited = lineage.verifyLineage(VerifyLineageRequest.newBuilder().setMetaSealId(metaId)
                .putArtifacts(l.evaluation().getSeal().getSealId(), Grpc.digest("churn-evaluation, edited")).build());
        assertEquals(Verdict.INVALID, edited.getVerdict());
        assertEquals("ANCHOR_MISMATCH", edited.getReason());
        assertEquals(List.of(l.evaluation().getSeal().getSealId()), edited.getNodesList().stream().filter(n -> n.getVerdict() != Verdict.VALID)
                .map(LineageNodeVerdict::getSealId).toList());

        // offline, from the file the service produces
        byte[] file = lineage.getLineageFile(GetLineageFileRequest.newBuilder().setMetaSealId(metaId).build()).getLineageJson().toByteArray();
        Path dir = Files.createTempDirectory("lineage");
        Path trust = trustBundle(dir);
        Path lineageFile = Files.write(dir.resolve("churn.lineage.json"), file);
        Run ok = cli("verify", "--lineage", lineageFile.toString(), "--trust-bundle", trust.toString());
        assertEquals(0, ok.exit(), ok.out());
        assertTrue(ok.out().contains("VALID  bound " + l.training().getSeal().getSealId() + " training"), ok.out());

        Path report = Files.writeString(dir.resolve("eval.json"), "churn-evaluation, edited");
        Run wrongArtifact = cli("verify", "--lineage", lineageFile.toString(), "--trust-bundle", trust.toString(), "--artifact",
                l.evaluation().getSeal().getSealId() + "=" + report);
        assertEquals(2, wrongArtifact.exit(), wrongArtifact.out());
        assertTrue(wrongArtifact.out().contains("INVALID ANCHOR_MISMATCH  bound " + l.evaluation().getSeal().getSealId() + " evaluation"), wrongArtifact.out());

        // tampered: the deployment's receipt in the file swapped for another valid seal of this authority
        LineageFile parsed = LineageFile.parse(file);
        SealResponse other = seals.seal(Grpc.request("churn-deployment-2").setStage(Stage.DEPLOYMENT).addParentSealIds(l.evaluation().getSeal().getSealId()).build());
        List<SealBundle> swapped = parsed.seals().stream().map(b -> b.receipt().sealId().toString().equals(l.deployment().getSeal().getSealId())
                ? SealBundle.parse(other.getSealBundleJson()) : b).toList();
        Path tampered = Files.write(dir.resolve("tampered.lineage.json"), new LineageFile(parsed.metaSeal(), parsed.manifest(), swapped).toBytes());
        Run bad = cli("verify", "--lineage", tampered.toString(), "--trust-bundle", trust.toString());
        assertEquals(2, bad.exit(), bad.out());
        assertTrue(bad.out().contains("INVALID UNKNOWN_SEAL") || bad.out().contains("INVALID ANCHOR_MISMATCH"), bad.out());
        // one byte of the manifest changed
        String text = new String(file, StandardCharsets.UTF_8);
        String manifestB64 = java.util.Base64.getEncoder().encodeToString(parsed.manifest());
        String changed = new String(parsed.manifest(), StandardCharsets.UTF_8).replace("model:churn@1.0.0", "model:churn@1.0.1");
        Path forged = Files.writeString(dir.resolve("forged.lineage.json"),
                text.replace(manifestB64, java.util.Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8))));
        Run forgedRun = cli("verify", "--lineage", forged.toString(), "--trust-bundle", trust.toString());
        assertEquals(2, forgedRun.exit(), forgedRun.out());
        assertTrue(forgedRun.out().contains("INVALID ANCHOR_MISMATCH  meta-seal"), forgedRun.out());
        // the online verifier answers the same for the same file
        VerifyLineageResponse sameFile = lineage.verifyLineage(VerifyLineageRequest.newBuilder().setLineageJson(Files.readString(forged)).build());
        assertEquals("ANCHOR_MISMATCH", sameFile.getReason());
    }

    @Test
    @Order(3)
    void createMetaSeal_refusals_areInvalidArgumentWithTheirReason_namingTheSeal_andStoreNothing() {
        Lifecycle l = lifecycle("refused");
        String unknown = "01a2012d-2e23-72d7-882f-43083eb09316";
        assertRefused("UNKNOWN_SEAL", unknown, meta("model:x@1", List.of(l.dataset().getSeal().getSealId(), unknown)));
        // the training run's parent (the dataset) left out
        assertRefused("LINEAGE_INCOMPLETE", l.training().getSeal().getSealId(), meta("model:x@1", l.ids().subList(1, 4)));
        // no evaluation nor deployment bound
        assertRefused("STAGE_MISSING", "evaluation", meta("model:x@1", l.ids().subList(0, 2)));
        // a deployment made straight from the training run, past the evaluation
        SealResponse shortcut = seals.seal(Grpc.request("refused-shortcut").setStage(Stage.DEPLOYMENT).addParentSealIds(l.training().getSeal().getSealId()).build());
        assertRefused("STAGE_ORDER", shortcut.getSeal().getSealId(), meta("model:x@1", List.of(l.ids().get(0), l.ids().get(1), l.ids().get(2),
                shortcut.getSeal().getSealId())));
        assertRefused("UNKNOWN_POLICY", "nonesuch", meta("model:x@1", l.ids()).setPolicy("nonesuch"));
        assertRefused("UNKNOWN_POLICY", "version 1", meta("model:x@1", l.ids()).setPolicyVersion(7));
        // the strict policy wants preparation and model development too, and no external roots
        assertRefused("STAGE_MISSING", "data-preparation", meta("model:x@1", l.ids()).setPolicy("strict"));
        assertRefused("LINEAGE_INCOMPLETE", l.dataset().getSeal().getSealId(), meta("model:x@1", l.ids().subList(1, 4)).setPolicy("strict")
                .addExternalRootIds(l.dataset().getSeal().getSealId()));
        // the default policy allows a data-collection seal as an external root
        CreateMetaSealResponse external = lineage.createMetaSeal(meta("model:x@1", l.ids().subList(1, 4)).addExternalRootIds(l.dataset().getSeal().getSealId()).build());
        assertEquals(3, external.getBoundCount());

        // a plain seal may not pose as a meta-seal
        StatusRuntimeException reserved = assertThrows(StatusRuntimeException.class,
                () -> seals.seal(Grpc.request("refused-reserved").putLabels(LineageManifest.LABEL_POLICY, "default@1").build()));
        assertEquals("INVALID_LABELS", Grpc.reason(reserved));
    }

    private void assertRefused(String reason, String named, CreateMetaSealRequest.Builder request) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> lineage.createMetaSeal(request.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
        assertEquals(reason, Grpc.reason(e), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains(named), e.getStatus().getDescription());
        assertEquals(0, seals.listSeals(ListSealsRequest.newBuilder().setRequestId(request.getRequestId()).build()).getSealsCount(), "nothing sealed");
    }

    @Test
    @Order(4)
    void storedRowsAreCheckedOnRead_aChangedManifestOrBoundReceipt_isAnchorMismatchNeverAnAnswer() throws Exception {
        Lifecycle l = lifecycle("tamper");
        CreateMetaSealResponse r = lineage.createMetaSeal(meta("model:tamper@1", l.ids()).build());
        String metaId = r.getMetaSeal().getSeal().getSealId();
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(r.getManifest().toByteArray());
        try (Connection c = superuser()) {
            asSuperuser(c, "update lineage_manifests set manifest = convert_to(replace(convert_from(manifest, 'UTF8'), 'model:tamper@1', 'model:tamper@2'), 'UTF8') where sha256 = ?", sha);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> lineage.getLineageFile(GetLineageFileRequest.newBuilder().setMetaSealId(metaId).build()));
            assertEquals("ANCHOR_MISMATCH", Grpc.reason(e), e.toString());
            // and the integrity sweep names the row
            var sweep = logs.runIntegritySweep(dev.sealer.grpc.v1.RunIntegritySweepRequest.getDefaultInstance());
            assertTrue(sweep.getFindingsList().stream().anyMatch(f -> f.getTable().equals("lineage_manifests") && f.getDetail().contains(metaId)),
                    sweep.getFindingsList().toString());
            asSuperuser(c, "update lineage_manifests set manifest = ? where sha256 = ?", r.getManifest().toByteArray(), sha);
            var clean = logs.runIntegritySweep(dev.sealer.grpc.v1.RunIntegritySweepRequest.getDefaultInstance());
            assertTrue(clean.getFindingsList().stream().noneMatch(f -> f.getTable().equals("lineage_manifests")), clean.getFindingsList().toString());
            assertEquals(Verdict.VALID, lineage.verifyLineage(VerifyLineageRequest.newBuilder().setMetaSealId(metaId).build()).getVerdict());

            // a bound receipt changed in place (its stage): refused when read for a new meta-seal and for the lineage
            UUID training = UUID.fromString(l.training().getSeal().getSealId());
            asSuperuser(c, "update receipts set stage = stage + 1 where seal_id = ?", training);
            StatusRuntimeException create = assertThrows(StatusRuntimeException.class, () -> lineage.createMetaSeal(meta("model:tamper@3", l.ids()).build()));
            assertEquals("ANCHOR_MISMATCH", Grpc.reason(create));
            StatusRuntimeException read = assertThrows(StatusRuntimeException.class,
                    () -> lineage.getLineageFile(GetLineageFileRequest.newBuilder().setMetaSealId(metaId).build()));
            assertEquals("ANCHOR_MISMATCH", Grpc.reason(read));
            StatusRuntimeException walk = assertThrows(StatusRuntimeException.class, () -> lineage.listLineage(dev.sealer.grpc.v1.ListLineageRequest
                    .newBuilder().setSealId(l.deployment().getSeal().getSealId()).setDirection(dev.sealer.grpc.v1.LineageDirection.LINEAGE_ANCESTORS).build()));
            assertEquals("ANCHOR_MISMATCH", Grpc.reason(walk), "an ancestor that is not this authority's row is never listed");
            asSuperuser(c, "update receipts set stage = stage - 1 where seal_id = ?", training);
        }
    }

    private static Connection superuser() throws Exception {
        TestDatabase db = TestDatabase.get();
        return DriverManager.getConnection(db.serviceUrl(DATABASE), db.username(), db.password());
    }

    private static void asSuperuser(Connection c, String sql, Object... args) throws Exception {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("set local session_replication_role = replica"); // the WORM triggers are off, as for a superuser
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            assertEquals(1, ps.executeUpdate(), sql);
        }
        c.commit();
    }

    @Test
    @Order(5)
    void listLineage_ancestorsAndDescendants_boundedByDepth_andPaged() {
        Lifecycle l = lifecycle("walk");
        String deployment = l.deployment().getSeal().getSealId();
        var ancestors = lineage.listLineage(dev.sealer.grpc.v1.ListLineageRequest.newBuilder().setSealId(deployment)
                .setDirection(dev.sealer.grpc.v1.LineageDirection.LINEAGE_ANCESTORS).build());
        assertEquals(List.of(l.ids().get(2) + "@1", l.ids().get(1) + "@2", l.ids().get(0) + "@3"), ancestors.getEntriesList().stream()
                .map(e -> e.getSeal().getSealId() + "@" + e.getDepth()).toList());
        assertFalse(ancestors.getTruncated());
        var two = lineage.listLineage(dev.sealer.grpc.v1.ListLineageRequest.newBuilder().setSealId(deployment).setMaxDepth(2)
                .setDirection(dev.sealer.grpc.v1.LineageDirection.LINEAGE_ANCESTORS).build());
        assertEquals(2, two.getEntriesCount(), "max_depth 2: the evaluation and the training run");

        // descendants of the dataset, one per page: training, evaluation, deployment, then no token
        List<String> pages = new java.util.ArrayList<>();
        String token = "";
        do {
            var page = lineage.listLineage(dev.sealer.grpc.v1.ListLineageRequest.newBuilder().setSealId(l.ids().get(0)).setPageSize(1).setPageToken(token)
                    .setDirection(dev.sealer.grpc.v1.LineageDirection.LINEAGE_DESCENDANTS).build());
            page.getEntriesList().forEach(e -> pages.add(e.getSeal().getSealId() + "@" + e.getDepth()));
            token = page.getNextPageToken();
        } while (!token.isEmpty() && pages.size() < 10);
        assertEquals(List.of(l.ids().get(1) + "@1", l.ids().get(2) + "@2", l.ids().get(3) + "@3"), pages);

        StatusRuntimeException badDepth = assertThrows(StatusRuntimeException.class, () -> lineage.listLineage(dev.sealer.grpc.v1.ListLineageRequest
                .newBuilder().setSealId(deployment).setMaxDepth(65).setDirection(dev.sealer.grpc.v1.LineageDirection.LINEAGE_ANCESTORS).build()));
        assertEquals("INVALID_ARGUMENT", Grpc.reason(badDepth));
        StatusRuntimeException badToken = assertThrows(StatusRuntimeException.class, () -> lineage.listLineage(dev.sealer.grpc.v1.ListLineageRequest
                .newBuilder().setSealId(deployment).setPageToken("bm90LWEtdG9rZW4").setDirection(dev.sealer.grpc.v1.LineageDirection.LINEAGE_ANCESTORS).build()));
        assertEquals("INVALID_ARGUMENT", Grpc.reason(badToken));
    }

    @Test
    @Order(6)
    void listSeals_byStage_byLabel_combinedWithAFilter_andWithOneTimeBoundAlone() {
        String run = "run-" + UUID.randomUUID().toString().substring(0, 8);
        java.time.Instant before = TestClock.now().minusSeconds(1);
        SealResponse dataset = seals.seal(Grpc.request(run + "-d").setStage(Stage.DATA_COLLECTION).putLabels("run", run).build());
        SealResponse training = seals.seal(Grpc.request(run + "-t").setStage(Stage.TRAINING).putLabels("run", run)
                .addParentSealIds(dataset.getSeal().getSealId()).build());
        SealResponse otherRun = seals.seal(Grpc.request(run + "-x").setStage(Stage.TRAINING).putLabels("run", run + "-other").build());

        var byLabel = seals.listSeals(ListSealsRequest.newBuilder().setLabel("run=" + run).build());
        assertEquals(List.of(dataset.getSeal().getSealId(), training.getSeal().getSealId()), ids(byLabel));
        var byStageAndLabel = seals.listSeals(ListSealsRequest.newBuilder().setStage(Stage.TRAINING).setLabel("run=" + run).build());
        assertEquals(List.of(training.getSeal().getSealId()), ids(byStageAndLabel));
        var byStage = seals.listSeals(ListSealsRequest.newBuilder().setStage(Stage.DATA_COLLECTION).setPageSize(1000).build());
        assertTrue(ids(byStage).contains(dataset.getSeal().getSealId()) && !ids(byStage).contains(training.getSeal().getSealId()));
        var bySubjectAndStage = seals.listSeals(ListSealsRequest.newBuilder().setSubject("models/" + run + "-x").setStage(Stage.TRAINING).build());
        assertEquals(List.of(otherRun.getSeal().getSealId()), ids(bySubjectAndStage));
        assertEquals(0, seals.listSeals(ListSealsRequest.newBuilder().setSubject("models/" + run + "-x").setStage(Stage.EVALUATION).build()).getSealsCount());

        // one time bound alone: from `before` on, this run's training seals by label and stage; paged one by one
        var fromOnly = ListSealsRequest.newBuilder().setCommitted(dev.sealer.grpc.v1.TimeRange.newBuilder().setFrom(ProtoMapper.timestamp(before)))
                .setLabel("run=" + run).setPageSize(1);
        var first = seals.listSeals(fromOnly.build());
        assertEquals(List.of(dataset.getSeal().getSealId()), ids(first));
        var second = seals.listSeals(fromOnly.setPageToken(first.getNextPageToken()).build());
        assertEquals(List.of(training.getSeal().getSealId()), ids(second));
        var toOnly = seals.listSeals(ListSealsRequest.newBuilder().setCommitted(dev.sealer.grpc.v1.TimeRange.newBuilder().setTo(ProtoMapper.timestamp(before)))
                .setLabel("run=" + run).build());
        assertEquals(0, toOnly.getSealsCount(), "nothing of this run before it started");

        StatusRuntimeException noEquals = assertThrows(StatusRuntimeException.class, () -> seals.listSeals(ListSealsRequest.newBuilder().setLabel("run").build()));
        assertEquals("INVALID_LABELS", Grpc.reason(noEquals));
        StatusRuntimeException nothing = assertThrows(StatusRuntimeException.class, () -> seals.listSeals(ListSealsRequest.getDefaultInstance()));
        assertEquals("INVALID_ARGUMENT", Grpc.reason(nothing));
    }

    private static List<String> ids(dev.sealer.grpc.v1.ListSealsResponse r) {
        return r.getSealsList().stream().map(dev.sealer.grpc.v1.SealRecord::getSealId).toList();
    }

    @Test
    @Order(7)
    void verifyLineage_boundSealsUnderARevokedSuite_sayWhichStageWhichSealSinceWhen() {
        java.time.Instant since = TestClock.now().minus(Duration.ofSeconds(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Lifecycle l = lifecycle("revoked");
        CreateMetaSealResponse r = lineage.createMetaSeal(meta("model:revoked@1", l.ids()).build());
        assertEquals(Verdict.VALID, lineage.verifyLineage(VerifyLineageRequest.newBuilder().setMetaSealId(r.getMetaSeal().getSeal().getSealId()).build()).getVerdict());

        keys.revokeSuite(RevokeSuiteRequest.newBuilder().setSuiteId(l.training().getSeal().getSuiteId()).setCompromisedSince(since.toString())
                .setReason("lineage test: key compromise").build());
        VerifyLineageResponse v = lineage.verifyLineage(VerifyLineageRequest.newBuilder().setMetaSealId(r.getMetaSeal().getSeal().getSealId()).build());
        assertEquals(Verdict.INVALID, v.getVerdict());
        assertEquals("SUITE_REVOKED", v.getReason(), v.getDetail());
        LineageNodeVerdict training = v.getNodesList().stream().filter(n -> n.getSealId().equals(l.training().getSeal().getSealId())).findFirst().orElseThrow();
        assertEquals("SUITE_REVOKED", training.getReason());
        assertTrue(training.getDetail().contains("stage training") && training.getDetail().contains(l.training().getSeal().getSealId())
                && training.getDetail().contains(dev.sealer.core.time.Rfc3339.format(since)), training.getDetail());
    }
}
