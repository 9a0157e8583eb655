package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sealer.cli.SealerCli;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.format.Dsse;
import dev.sealer.core.format.KeyIds;
import dev.sealer.core.format.ModelSignature;
import dev.sealer.cli.ModelDirectory;
import dev.sealer.core.format.OmsStatement;
import dev.sealer.core.format.SealAttestation;
import dev.sealer.core.format.SigstoreBundle;
import dev.sealer.core.format.SigstoreTrust;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.grpc.v1.AuditServiceGrpc;
import dev.sealer.grpc.v1.EvidenceReason;
import dev.sealer.grpc.v1.ExportFormat;
import dev.sealer.grpc.v1.FormatServiceGrpc;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.MaterializeEvidenceRequest;
import dev.sealer.grpc.v1.MaterializeEvidenceResponse;
import dev.sealer.grpc.v1.SealModelRequest;
import dev.sealer.grpc.v1.SealModelResponse;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Stage;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.NodeTools;
import dev.sealer.testing.OwnDatabaseProfile;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The formats other tools read, end to end on the real service (docs/formats.md): a model directory sealed as an OMS
 * model.sig that the Sigstore JavaScript client verifies with Sealer's trust material alone and rejects once a file
 * digest is changed; {@code sealer verify --model-sig --model} naming each changed, added and removed file; statements
 * that are not OMS statements refused with INVALID_STATEMENT and nothing stored; a parent-linked seal exported as a
 * dual-signed in-toto/DSSE attestation that points at its parent's receipt by digest.
 */
@QuarkusTest
@TestProfile(FormatsTest.Profile.class)
class FormatsTest {
    public static class Profile extends OwnDatabaseProfile {
        @Override
        protected String database() {
            return "sealer_formats";
        }
    }

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path NODE_TOOLS = ROOT.resolve("target/sigstore-js");

    @GrpcClient("seals")
    FormatServiceGrpc.FormatServiceBlockingStub formats;
    @GrpcClient("seals")
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient("seals")
    AuditServiceGrpc.AuditServiceBlockingStub audit;
    @GrpcClient("seals")
    KeyServiceGrpc.KeyServiceBlockingStub keys;

    @TempDir
    Path tmp;

    /** npm ci of clients/sigstore-js into target/sigstore-js (again only when its lock file changed). */
    @BeforeAll
    static void installSigstoreJs() throws Exception {
        NodeTools.install(ROOT.resolve("clients/sigstore-js"), NODE_TOOLS, "verify.mjs");
    }

    private Path model(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("weights"));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve("config.json"), "{\"layers\": 12}");
        Files.writeString(dir.resolve("weights/model-00001-of-00002.safetensors"), "tensor bytes one " + name);
        Files.writeString(dir.resolve("weights/model-00002-of-00002.safetensors"), "tensor bytes two");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(dir.resolve(".gitignore"), "*.tmp\n");
        return dir;
    }

    private SealModelResponse sealModel(Path dir, String requestId) throws IOException {
        OmsStatement st = ModelDirectory.hash(dir, List.of("model.sig"), false);
        SealModelResponse r = formats.sealModel(SealModelRequest.newBuilder().setRequestId(requestId).setStage(Stage.TRAINING)
                .putLabels("team", "ml-platform").setStatement(ByteString.copyFrom(CanonicalJson.write(st.toJsonValue()))).build());
        Files.writeString(dir.resolve("model.sig"), r.getModelSigJson());
        return r;
    }

    private TrustBundle trust() {
        return TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
    }

    private Path trustFile() throws IOException {
        Path f = tmp.resolve("trust.json");
        Files.writeString(f, trust().toJson());
        return f;
    }

    private NodeTools.Run sigstoreJs(Path bundle) throws Exception {
        // kept under target/formats-example for a look afterwards (docs/formats.md shows such files)
        Path material = ROOT.resolve("target/formats-example");
        assertEquals(0, cli("sigstore-trust", "--trust-bundle", trustFile().toString(), "--out", material.toString()).exit());
        Files.copy(bundle, material.resolve(bundle.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        return NodeTools.run(NODE_TOOLS, "node", "verify.mjs", bundle.toString(), material.resolve("trusted_root.json").toString(),
                material.resolve("public_keys.json").toString(), "--timestamps", "1");
    }

    private static NodeTools.Run cli(String... args) {
        StringWriter out = new StringWriter();
        var cl = SealerCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        int exit = cl.execute(args);
        return new NodeTools.Run(exit, out.toString());
    }

    @Test
    void modelSig_verifiedBySigstoreJsWithSealerTrustOnly_andRejectedWhenAFileDigestIsChanged() throws Exception {
        Path dir = model("classifier");
        SealModelResponse r = sealModel(dir, "oms-" + UUID.randomUUID());
        SigstoreBundle bundle = SigstoreBundle.parse(r.getModelSigJson());
        assertEquals(1, bundle.rfc3161Timestamps().size(), "time-stamped by the built-in TSA");
        String suite = r.getSeal().getSeal().getSuiteId();
        assertEquals(KeyIds.of(suite, SignatureAlgorithm.ED25519), bundle.keyHint());
        assertTrue(r.getSeal().hasAnchor(), "the seal of the statement is ANCHORED, with its proof");

        NodeTools.Run ok = sigstoreJs(dir.resolve("model.sig"));
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().startsWith("VERIFIED key " + bundle.keyHint() + ", 1 time-stamp(s), https://model_signing/signature/v1.0, subject classifier"),
                ok.output());

        // a file digest changed in the payload: the signature no longer covers it
        Path tampered = tmp.resolve("tampered.sig");
        Files.writeString(tampered, editPayload(r.getModelSigJson(), statement -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) statement.get("predicate")).get("resources")).get(0);
            first.put("digest", "00".repeat(32));
            return statement;
        }));
        NodeTools.Run rejected = sigstoreJs(tampered);
        assertEquals(2, rejected.exit(), rejected.output());
        assertTrue(rejected.output().startsWith("REJECTED SIGNATURE_ERROR"), rejected.output());
        NodeTools.Run ours = cli("verify", "--model-sig", tampered.toString(), "--trust-bundle", trustFile().toString());
        assertEquals(2, ours.exit(), ours.output());
        assertTrue(ours.output().startsWith("INVALID SIGNATURE_INVALID"), ours.output());

        // without the TSA token a verifier that asks for trusted time refuses the bundle
        Path untimed = tmp.resolve("untimed.sig");
        Map<String, Object> m = new LinkedHashMap<>(Json.parseObject(r.getModelSigJson()));
        Map<String, Object> vm = new LinkedHashMap<>(Json.object(m, "verificationMaterial"));
        vm.remove("timestampVerificationData");
        m.put("verificationMaterial", vm);
        Files.writeString(untimed, CanonicalJson.writeString(m));
        NodeTools.Run noTime = sigstoreJs(untimed);
        assertEquals(2, noTime.exit(), noTime.output());
        assertTrue(noTime.output().startsWith("REJECTED TIMESTAMP_ERROR"), noTime.output());
    }

    @SuppressWarnings("unchecked")
    private static String editPayload(String bundleJson, UnaryOperator<Map<String, Object>> change) {
        Map<String, Object> m = new LinkedHashMap<>(Json.parseObject(bundleJson));
        Map<String, Object> env = new LinkedHashMap<>(Json.object(m, "dsseEnvelope"));
        Map<String, Object> statement = Json.parseObject(Base64.getDecoder().decode(Json.string(env, "payload")));
        env.put("payload", Base64.getEncoder().encodeToString(CanonicalJson.write(change.apply(statement))));
        m.put("dsseEnvelope", env);
        return CanonicalJson.writeString(m);
    }

    @Test
    void modelSig_sealerVerifyRehashesTheModelAndNamesEachChangedAddedAndRemovedFile() throws Exception {
        Path dir = model("ranker");
        SealModelResponse r = sealModel(dir, "oms-" + UUID.randomUUID());
        String sig = dir.resolve("model.sig").toString();
        String trust = trustFile().toString();

        NodeTools.Run valid = cli("verify", "--model-sig", sig, "--model", dir.toString(), "--trust-bundle", trust);
        assertEquals(0, valid.exit(), valid.output());
        assertTrue(valid.output().startsWith("VALID: model.sig of ranker (4 files) is signed by") && valid.output().contains("all 4 files match"),
                valid.output());
        assertTrue(valid.output().contains(r.getSeal().getSeal().getSealId()), valid.output());

        Files.writeString(dir.resolve("config.json"), "{\"layers\": 13}");
        Files.writeString(dir.resolve("weights/extra.bin"), "new");
        Files.delete(dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/other\n"); // ignored, as OMS ignores git paths
        NodeTools.Run invalid = cli("verify", "--model-sig", sig, "--model", dir.toString(), "--trust-bundle", trust);
        assertEquals(2, invalid.exit(), invalid.output());
        assertEquals(List.of("changed: config.json", "added: weights/extra.bin", "removed: tokenizer.json"),
                invalid.output().lines().limit(3).toList(), invalid.output());
        assertTrue(invalid.output().contains("INVALID ANCHOR_MISMATCH: the model directory is not the sealed model: 1 changed, 1 added, 1 removed"),
                invalid.output());

        NodeTools.Run inspect = cli("inspect", sig);
        assertEquals(0, inspect.exit(), inspect.output());
        assertTrue(inspect.output().contains("key hint:        " + KeyIds.of(r.getSeal().getSeal().getSuiteId(), SignatureAlgorithm.ED25519)), inspect.output());
        assertTrue(inspect.output().contains("resources: 4") && inspect.output().contains("Sealer seal " + r.getSeal().getSeal().getSealId()), inspect.output());
        NodeTools.Run json = cli("inspect", "--json", sig);
        assertEquals(0, json.exit(), json.output());
        assertEquals(OmsStatement.PREDICATE_TYPE, Json.string(Json.object(Json.object(Json.parseObject(json.output().strip()), "dsseEnvelope"),
                "payload_decoded"), "predicateType"));
        NodeTools.Run garbage = cli("inspect", trust);
        assertEquals(2, garbage.exit(), garbage.output());
    }

    @Test
    void sealModel_repeatedRequestId_answersTheOriginalSealInANewModelSig() throws Exception {
        Path dir = model("replayed");
        String rid = "oms-" + UUID.randomUUID();
        SealModelResponse first = sealModel(dir, rid);
        SealModelResponse again = sealModel(dir, rid);
        assertTrue(again.getSeal().getReplayed());
        assertEquals(first.getSeal().getSeal().getSealId(), again.getSeal().getSeal().getSealId());
        ModelSignature.Checked c = ModelSignature.verify(SigstoreBundle.parse(again.getModelSigJson()), new SealVerifier(trust()));
        assertTrue(c.verdict().valid(), c.verdict().toString());
        for (SealModelResponse r : List.of(first, again)) {
            byte[] resp = SigstoreBundle.parse(r.getModelSigJson()).rfc3161Timestamps().get(0);
            byte[] token = org.bouncycastle.asn1.tsp.TimeStampResp.getInstance(resp).getTimeStampToken().getEncoded();
            assertTrue(ModelSignature.genTimeReadableBySigstore(token), "a genTime the Sigstore JavaScript client parses");
        }
    }

    @Test
    void sealModel_statementsThatAreNotOmsStatements_refusedWithInvalidStatementAndNothingStored() throws Exception {
        Map<String, Object> good = ModelDirectory.hash(model("refused"), List.of(), false).toJsonValue();
        List<byte[]> bad = new ArrayList<>();
        bad.add("not json".getBytes(StandardCharsets.UTF_8));
        bad.add(new byte[] {(byte) 0xff, (byte) 0xfe, '{'});
        bad.add(CanonicalJson.write(with(good, m -> m.put("predicateType", "https://slsa.dev/provenance/v1"))));
        bad.add(CanonicalJson.write(with(good, m -> m.put("extra", "member"))));
        bad.add(CanonicalJson.write(with(good, m -> m.put("subject", List.of()))));
        bad.add(CanonicalJson.write(with(good, m -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = new LinkedHashMap<>((Map<String, Object>) m.get("predicate"));
            List<Object> res = new ArrayList<>((List<Object>) p.get("resources"));
            java.util.Collections.reverse(res);
            p.put("resources", res);
            m.put("predicate", p);
        })));
        bad.add(CanonicalJson.write(with(good, m -> m.put("subject", List.of(Map.of("name", "refused", "digest", Map.of("sha256", "ab".repeat(32))))))));
        bad.add(CanonicalJson.write(with(good, m -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = new LinkedHashMap<>((Map<String, Object>) m.get("predicate"));
            p.put(OmsStatement.SEAL_MEMBER, Map.of());
            m.put("predicate", p);
        })));
        String rid = "oms-refused-" + UUID.randomUUID();
        for (byte[] statement : bad) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> formats.sealModel(SealModelRequest.newBuilder()
                    .setRequestId(rid).setStage(Stage.TRAINING).setStatement(ByteString.copyFrom(statement)).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(e), e.getMessage());
            assertEquals("INVALID_STATEMENT", Grpc.reason(e), e.getMessage());
        }
        var listed = seals.listSeals(dev.sealer.grpc.v1.ListSealsRequest.newBuilder().setRequestId(rid).build());
        assertEquals(0, listed.getSealsCount(), "nothing was stored for a refused statement");
    }

    private static Map<String, Object> with(Map<String, Object> base, java.util.function.Consumer<Map<String, Object>> change) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        change.accept(m);
        return m;
    }

    @Test
    void export_parentLinkedSeal_dualSignedInTotoWithItsParentAsADescriptorByReceiptDigest() throws Exception {
        SealResponse parent = seals.seal(Grpc.request("formats-dataset").build());
        // ANCHORED: answered once a checkpoint covers it, so the export carries its anchor (and the package below has a checkpoint)
        SealResponse child = seals.seal(Grpc.request("formats-model").addParentSealIds(parent.getSeal().getSealId())
                .setMode(dev.sealer.grpc.v1.SealMode.ANCHORED).build());
        SealRecord exported = seals.getSeal(GetSealRequest.newBuilder().setSealId(child.getSeal().getSealId()).setExport(ExportFormat.IN_TOTO_DSSE).build());
        Dsse.Envelope env = Dsse.Envelope.fromJsonValue(Json.parseObject(exported.getInTotoDsseJson()));
        assertEquals(2, env.signatures().size());
        String suite = trust().suites().get(trust().suites().size() - 1).suiteId();
        assertEquals(KeyIds.of(suite, SignatureAlgorithm.ED25519), env.signatures().get(0).keyId());
        assertTrue(env.signatures().get(1).keyId().startsWith(suite + "/ml-dsa-"), env.signatures().get(1).keyId());

        SealAttestation.Checked checked = SealAttestation.verify(env, new SealVerifier(trust()));
        assertTrue(checked.verdict().valid(), checked.verdict().toString());
        assertEquals(List.of(parent.getSeal().getSealId()), checked.parentSealIds());
        Map<String, Object> statement = Json.parseObject(env.payload());
        @SuppressWarnings("unchecked")
        Map<String, Object> descriptor = (Map<String, Object>) Json.array(Json.object(statement, "predicate"), "parents").get(0);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(parent.getSeal().getReceiptJson().toByteArray())),
                Json.string(Json.object(descriptor, "digest"), "sha256"), "the parent is named by the digest of its exact receipt bytes");

        // the parent's own export closes the chain: its seal's receipt is what the child's descriptor names
        SealRecord parentExport = seals.getSeal(GetSealRequest.newBuilder().setSealId(parent.getSeal().getSealId()).setExport(ExportFormat.IN_TOTO_DSSE).build());
        SealAttestation.Checked parentChecked = SealAttestation.verify(Dsse.Envelope.fromJsonValue(Json.parseObject(parentExport.getInTotoDsseJson())),
                new SealVerifier(trust()));
        assertTrue(parentChecked.verdict().valid(), parentChecked.verdict().toString());
        assertArrayEquals(parent.getSeal().getReceiptJson().toByteArray(), parentChecked.seal().receipt().canonicalBytes());

        Path file = tmp.resolve("export.json");
        Files.writeString(file, exported.getInTotoDsseJson());
        NodeTools.Run cli = cli("verify", "--dsse", file.toString(), "--trust-bundle", trustFile().toString());
        assertEquals(0, cli.exit(), cli.output());
        assertTrue(cli.output().contains("parents " + parent.getSeal().getSealId()), cli.output());

        // one signature dropped, or the statement changed: refused
        Map<String, Object> oneSig = new LinkedHashMap<>(Json.parseObject(exported.getInTotoDsseJson()));
        oneSig.put("signatures", List.of(Json.array(oneSig, "signatures").get(0)));
        assertEquals("SIGNATURE_INVALID", SealAttestation.verify(Dsse.Envelope.fromJsonValue(oneSig), new SealVerifier(trust())).verdict().reason().name());
        Map<String, Object> changed = new LinkedHashMap<>(Json.parseObject(exported.getInTotoDsseJson()));
        changed.put("payload", Base64.getEncoder().encodeToString(new String(env.payload(), StandardCharsets.US_ASCII)
                .replace("formats-model", "formats-other").getBytes(StandardCharsets.US_ASCII)));
        assertEquals("SIGNATURE_INVALID", SealAttestation.verify(Dsse.Envelope.fromJsonValue(changed), new SealVerifier(trust())).verdict().reason().name());

        // the evidence package can carry the same attestations, one per seal in package order
        MaterializeEvidenceResponse ev = audit.materializeEvidence(MaterializeEvidenceRequest.newBuilder().setSealId(child.getSeal().getSealId())
                .setReason(EvidenceReason.EVIDENCE_REASON_AUDIT).setIncludeLineage(true).setAllowPartial(true).setIncludeInToto(true).build());
        assertEquals(2, ev.getInTotoDsseJsonCount(), "the seal and its ancestor");
        for (String e : ev.getInTotoDsseJsonList()) {
            assertTrue(SealAttestation.verify(Dsse.Envelope.fromJsonValue(Json.parseObject(e)), new SealVerifier(trust())).verdict().valid());
        }
        assertFalse(exported.getInTotoDsseJson().isEmpty());
        assertTrue(seals.getSeal(GetSealRequest.newBuilder().setSealId(child.getSeal().getSealId()).build()).getInTotoDsseJson().isEmpty(),
                "no export unless asked");
    }

    @Test
    void sigstoreTrust_listsTheTsaChainAndEveryCertifiedSuiteKey() {
        TrustBundle t = trust();
        Map<String, Object> root = SigstoreTrust.trustedRoot(t);
        assertEquals(SigstoreTrust.TRUSTED_ROOT_MEDIA_TYPE, root.get("mediaType"));
        assertEquals(List.of(), root.get("tlogs"), "nothing of Sigstore's public instance");
        assertEquals(t.timestampAuthorities().size(), ((List<?>) root.get("timestampAuthorities")).size());
        assertEquals(t.suites().size(), SigstoreTrust.publicKeys(t).size());
    }
}
