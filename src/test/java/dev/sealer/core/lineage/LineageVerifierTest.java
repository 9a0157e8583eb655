package dev.sealer.core.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.crypto.SignedMessage;
import dev.sealer.core.error.Reason;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.seal.SealIds;
import dev.sealer.core.seal.Stage;
import dev.sealer.core.suite.SuiteStatus;
import dev.sealer.core.suite.SuiteStatusList;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.testing.TestAuthority;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The offline lineage verifier on lineages signed by a test authority: a valid one, and each way it must fail: the manifest
 * changed, a bound receipt swapped, a seal missing from the file, an artifact that is not the sealed one, a suite revoked
 * after the seals were made, and a graph the service would never have sealed (a cycle, signed by the authority itself).
 */
class LineageVerifierTest {
    static final TestAuthority AUTHORITY = new TestAuthority("suite-lineage");
    static final Instant AT = TestAuthority.T0.plus(Duration.ofDays(3));
    static final LifecyclePolicy POLICY = LineageCheckTest.DEFAULT;

    record Lineage(List<SealBundle> seals, LineageFile file) {
    }

    static SealBundle seal(UUID id, String content, Stage stage, Instant at, UUID... parents) {
        Receipt r = new Receipt(id, "req-" + id, TestAuthority.sha256(content), "models/" + content, stage, new TreeMap<>(), List.of(parents),
                AUTHORITY.suite.suiteId(), at, "CN=pipeline");
        return new SealBundle(r, AUTHORITY.suite.sign(SignedMessage.receipt(r.canonicalBytes())));
    }

    static LineageFile file(List<SealBundle> bound, String subject) {
        LineageManifest m = new LineageManifest(subject, POLICY, bound.stream().map(b -> LineageNode.of(b.receipt())).toList(), List.of());
        return file(m, bound);
    }

    static LineageFile file(LineageManifest m, List<SealBundle> seals) {
        byte[] bytes = m.toBytes();
        Map<String, String> labels = new TreeMap<>(m.labels());
        Instant at = AT.plusSeconds(60);
        Receipt meta = new Receipt(SealIds.next(at), "meta-" + UUID.randomUUID(), LineageManifest.digestOf(bytes), m.subject(), LineageManifest.META_SEAL_STAGE,
                new TreeMap<>(labels), List.of(), AUTHORITY.suite.suiteId(), at, "CN=pipeline");
        SealBundle metaBundle = new SealBundle(meta, AUTHORITY.suite.sign(SignedMessage.receipt(meta.canonicalBytes())));
        List<SealBundle> ordered = new ArrayList<>(seals);
        ordered.sort(java.util.Comparator.comparing(b -> b.receipt().sealId().toString()));
        return new LineageFile(metaBundle, bytes, ordered);
    }

    static Lineage lifecycle() {
        SealBundle dataset = seal(SealIds.next(AT), "dataset", Stage.DATA_COLLECTION, AT);
        SealBundle training = seal(SealIds.next(AT.plusSeconds(1)), "training", Stage.TRAINING, AT.plusSeconds(1), dataset.receipt().sealId());
        SealBundle evaluation = seal(SealIds.next(AT.plusSeconds(2)), "evaluation", Stage.EVALUATION, AT.plusSeconds(2), training.receipt().sealId());
        SealBundle deployment = seal(SealIds.next(AT.plusSeconds(3)), "deployment", Stage.DEPLOYMENT, AT.plusSeconds(3), evaluation.receipt().sealId());
        List<SealBundle> all = List.of(dataset, training, evaluation, deployment);
        return new Lineage(all, file(all, "model:fraud-detector@2.3.0"));
    }

    static LineageVerifier.Report verify(LineageFile f, TrustBundle trust, Map<UUID, dev.sealer.core.seal.Digest> artifacts) {
        // through the file's bytes, as the offline command reads it
        return new LineageVerifier(new SealVerifier(trust)).verify(LineageFile.parse(f.toBytes()), artifacts);
    }

    @Test
    void verify_signedLifecycle_isValid_withAVerdictPerNode() {
        Lineage l = lifecycle();
        LineageVerifier.Report r = verify(l.file(), AUTHORITY.trust, Map.of());
        assertTrue(r.valid(), r.verdict().detail());
        assertEquals(5, r.nodes().size(), "the meta-seal and four stage seals");
        assertEquals(LineageVerifier.META_SEAL, r.nodes().getFirst().role());
        assertTrue(r.nodes().stream().allMatch(n -> n.verdict().valid()));
        assertEquals("default@1", r.policyId());
    }

    @Test
    void verify_manifestChanged_isAnchorMismatchOnTheMetaSeal() {
        Lineage l = lifecycle();
        String text = new String(l.file().manifest(), StandardCharsets.UTF_8).replace("model:fraud-detector@2.3.0", "model:fraud-detector@9.9.9");
        LineageFile forged = new LineageFile(l.file().metaSeal(), text.getBytes(StandardCharsets.UTF_8), l.file().seals());
        LineageVerifier.Report r = verify(forged, AUTHORITY.trust, Map.of());
        assertFalse(r.valid());
        assertEquals(Reason.ANCHOR_MISMATCH, r.verdict().reason());
        assertEquals(LineageVerifier.META_SEAL, r.nodes().getFirst().role());
        assertFalse(r.nodes().getFirst().verdict().valid());
    }

    @Test
    void verify_boundReceiptSwappedForAnotherValidSeal_isAnchorMismatchNamingThatNode() {
        Lineage l = lifecycle();
        SealBundle evaluation = l.seals().get(2);
        // the same seal id, signed, but another evaluation report: valid alone, not the one bound
        SealBundle other = seal(evaluation.receipt().sealId(), "evaluation-rerun", Stage.EVALUATION, AT.plusSeconds(2), l.seals().get(1).receipt().sealId());
        List<SealBundle> seals = new ArrayList<>(l.file().seals());
        seals.replaceAll(b -> b.receipt().sealId().equals(other.receipt().sealId()) ? other : b);
        LineageVerifier.Report r = verify(new LineageFile(l.file().metaSeal(), l.file().manifest(), seals), AUTHORITY.trust, Map.of());
        assertEquals(Reason.ANCHOR_MISMATCH, r.verdict().reason());
        LineageVerifier.NodeVerdict bad = r.nodes().stream().filter(n -> !n.verdict().valid()).findFirst().orElseThrow();
        assertEquals(evaluation.receipt().sealId(), bad.sealId());
        assertEquals(Stage.EVALUATION, bad.stage());
        assertTrue(r.verdict().detail().contains(evaluation.receipt().sealId().toString()), r.verdict().detail());
    }

    @Test
    void verify_sealMissingFromTheFile_isUnknownSealForThatNode() {
        Lineage l = lifecycle();
        List<SealBundle> seals = new ArrayList<>(l.file().seals());
        seals.removeIf(b -> b.receipt().stage() == Stage.TRAINING);
        LineageVerifier.Report r = verify(new LineageFile(l.file().metaSeal(), l.file().manifest(), seals), AUTHORITY.trust, Map.of());
        assertEquals(Reason.UNKNOWN_SEAL, r.verdict().reason());
    }

    @Test
    void verify_artifactNotTheSealedOne_failsExactlyThatNode() {
        Lineage l = lifecycle();
        UUID evaluation = l.seals().get(2).receipt().sealId();
        LineageVerifier.Report r = verify(l.file(), AUTHORITY.trust, Map.of(evaluation, TestAuthority.sha256("evaluation, edited")));
        assertEquals(Reason.ANCHOR_MISMATCH, r.verdict().reason());
        List<LineageVerifier.NodeVerdict> failed = r.nodes().stream().filter(n -> !n.verdict().valid()).toList();
        assertEquals(1, failed.size());
        assertEquals(evaluation, failed.getFirst().sealId());
        assertTrue(verify(l.file(), AUTHORITY.trust, Map.of(evaluation, TestAuthority.sha256("evaluation"))).valid(), "the right artifact passes");
    }

    @Test
    void verify_suiteRevokedBeforeTheSeals_saysWhichStageWhichSealSinceWhen() {
        Lineage l = lifecycle();
        Instant since = AT.minusSeconds(3600);
        SuiteStatusList revoked = SuiteStatusList.sign(AT.plus(Duration.ofDays(1)), List.of(new SuiteStatusList.Entry(AUTHORITY.suite.suiteId(),
                SuiteStatus.REVOKED, AT.plus(Duration.ofDays(1)), since, AT.plus(Duration.ofDays(1)), "key compromise")), AUTHORITY);
        TrustBundle trust = new TrustBundle("test-authority", AUTHORITY.publicKeys(), List.of(AUTHORITY.certificate), AT.plus(Duration.ofDays(1)), revoked);
        LineageVerifier.Report r = verify(l.file(), trust, Map.of());
        assertFalse(r.valid());
        assertEquals(Reason.SUITE_REVOKED, r.verdict().reason());
        LineageVerifier.NodeVerdict training = r.nodes().stream().filter(n -> n.stage() == Stage.TRAINING).findFirst().orElseThrow();
        assertEquals(Reason.SUITE_REVOKED, training.verdict().reason());
        String detail = training.verdict().detail();
        assertTrue(detail.contains("stage training") && detail.contains(training.sealId().toString())
                && detail.contains(dev.sealer.core.time.Rfc3339.format(since)), detail);
    }

    @Test
    void verify_cycleSignedByTheAuthorityItself_isStillLineageCycle() {
        // receipts the service would never make (each the other's parent), signed with the test suite: the re-check catches them
        UUID a = SealIds.next(AT), b = SealIds.next(AT.plusSeconds(1));
        SealBundle dataset = seal(SealIds.next(AT.minusSeconds(1)), "dataset", Stage.DATA_COLLECTION, AT.minusSeconds(1));
        SealBundle training = seal(a, "training", Stage.TRAINING, AT, dataset.receipt().sealId(), b);
        SealBundle evaluation = seal(b, "evaluation", Stage.EVALUATION, AT.plusSeconds(1), a);
        SealBundle deployment = seal(SealIds.next(AT.plusSeconds(2)), "deployment", Stage.DEPLOYMENT, AT.plusSeconds(2), b);
        LineageFile f = file(List.of(dataset, training, evaluation, deployment), "model:loop");
        LineageVerifier.Report r = verify(f, AUTHORITY.trust, Map.of());
        assertEquals(Reason.LINEAGE_CYCLE, r.verdict().reason());
        assertTrue(r.nodes().stream().allMatch(n -> n.verdict().valid()), "every seal on its own is valid");
    }

    @Test
    void manifest_bytes_areCanonical_andParseBackExactly() {
        Lineage l = lifecycle();
        byte[] bytes = l.file().manifest();
        LineageManifest m = LineageManifest.parse(bytes);
        assertEquals(new String(bytes, StandardCharsets.UTF_8), new String(m.toBytes(), StandardCharsets.UTF_8));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"bound\":[{\"leaf_hash\":\""), text);
        assertTrue(text.contains("\"format\":\"sealer-lineage-manifest/v1\",\"policy\":{\"external_root_stages\":[\"data-collection\"],\"name\":\"default\","
                + "\"stages\":[\"data-collection\",\"training\",\"evaluation\",\"deployment\"],\"version\":1},\"subject\":\"model:fraud-detector@2.3.0\"}"), text);
        // the leaf hash of each node is RFC 9162's: SHA-256(0x00 || receipt bytes)
        SealBundle first = l.file().seals().getFirst();
        assertTrue(text.contains(HexFormat.of().formatHex(dev.sealer.core.merkle.Rfc6962.leafHash(first.receipt().canonicalBytes()))));
        String reordered = text.replaceFirst("\\{\"bound\":", "{\"external_roots\":[],\"bound\":").replaceFirst(",\"external_roots\":\\[\\],\"format\"", ",\"format\"");
        assertEquals(Reason.MALFORMED_BUNDLE, org.junit.jupiter.api.Assertions.assertThrows(dev.sealer.core.error.SealerException.class,
                () -> LineageManifest.parse(reordered.getBytes(StandardCharsets.UTF_8))).reason(), "members out of order are not canonical");
    }
}
