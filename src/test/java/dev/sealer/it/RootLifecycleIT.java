package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.IntegritySweepReport;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.RotateSuiteRequest;
import dev.sealer.grpc.v1.RunIntegritySweepRequest;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Verdict;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The root's whole life, rehearsed on SoftHSM2 with the packaged jar, every ceremony command in
 * its own process (PKCS#11 login belongs to the process) and the service as a real process on its
 * own database:
 * <ol>
 *   <li>the new-root ceremony from a ceremony file (dry run, run, verify; shares printed once and
 *       written nowhere; PIN file only from M shares);</li>
 *   <li>the service adopts the ceremony's first suite, seals, rotates, seals;</li>
 *   <li>backup, the token directory deleted, restore into a fresh directory: check-token derives
 *       every suite's certified keys, the service starts on it and every old seal verifies;</li>
 *   <li>root rollover (refused with one share, done with two), the service on the new root
 *       rotates and seals; old and new seals verify in the service and offline, with the new
 *       bundle pinned and with the old root pinned.</li>
 * </ol>
 */
class RootLifecycleIT {
    static final String JAR = System.getProperty("sealer.it.app-jar", "target/quarkus-app/quarkus-run.jar");

    record Run(int rc, String out) {
    }

    static Run cli(Path dir, Path softhsmConf, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "-jar",
                Path.of(JAR).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", softhsmConf.toString());
        pb.environment().remove("SEALER_HSM_PIN");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    static Path softhsmConf(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("tokens"));
        Path conf = dir.resolve("softhsm2.conf");
        Files.writeString(conf, "directories.tokendir = " + dir.resolve("tokens") + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        return conf;
    }

    static final String NEW_ROOT = """
            {"format": "sealer-ceremony/v1", "ceremony": "root-rehearsal", "kind": "new-root", "authority": "sealer",
             "operators": ["ada (lead)", "grace (witness)"],
             "hsm": {"module": "/usr/lib/softhsm/libsofthsm2.so", "token_label": "sealer", "initialize_token": "pkcs11"},
             "custody": {"threshold": 2, "custodians": ["carol", "dave", "erin"]},
             "root": {"id": "root", "derivation_secret": {"label": "sealer-root", "id": "01"},
                      "attestation_key": {"label": "sealer-attest-ec", "id": "02", "subject": "CN=Sealer root attestation"}},
             "additional_keys": [{"label": "sealer-tsa-ec", "id": "10", "algorithm": "ecdsa-p256", "subject": "CN=Sealer TSA", "certify": "time-stamping"}],
             "first_suite": {"algorithm": "ml-dsa-65", "validity": "P365D", "overlap": "P30D"},
             "outputs": {"trust_bundle": "out/trust-bundle.json", "transcript": "out/transcript.json"}}
            """;

    static final String ROLLOVER = """
            {"format": "sealer-ceremony/v1", "ceremony": "root-2-rehearsal", "kind": "root-rollover", "authority": "sealer",
             "operators": ["ada (lead)", "grace (witness)"],
             "hsm": {"module": "/usr/lib/softhsm/libsofthsm2.so", "token_label": "sealer"},
             "custody": {"threshold": 2, "custodians": ["carol", "dave", "erin"]},
             "root": {"id": "root-2", "derivation_secret": {"label": "sealer-root", "id": "01"},
                      "attestation_key": {"label": "sealer-attest-ec-2", "id": "03", "subject": "CN=Sealer root attestation 2"}},
             "additional_keys": [{"label": "sealer-tsa-ec-2", "id": "11", "algorithm": "ecdsa-p256", "subject": "CN=Sealer TSA 2", "certify": "time-stamping"}],
             "previous": {"transcript": "out/transcript.json", "trust_bundle": "service-bundle-1.json"},
             "outputs": {"trust_bundle": "out2/trust-bundle.json", "transcript": "out2/transcript.json"}}
            """;

    @Test
    void ceremony_backupRestore_rollover_rehearsed_oldAndNewSealsVerifyWithTheOldPinnedRootAndTheNewBundle() throws Exception {
        Path dir = Files.createTempDirectory("sealer-root-lifecycle-");
        Path conf = softhsmConf(dir);
        Files.writeString(dir.resolve("ceremony.json"), NEW_ROOT);
        Files.writeString(dir.resolve("rollover.json"), ROLLOVER);

        // 1. the new-root ceremony
        Run dry = cli(dir, conf, "ceremony", "run", "ceremony.json", "--dry-run");
        assertEquals(0, dry.rc(), dry.out());
        assertTrue(dry.out().contains("dry run: nothing was done") && dry.out().contains("'sealer-tsa-ec' (id 10)") && dry.out().contains("certify-time-stamping"), dry.out());
        try (Stream<Path> s = Files.list(dir.resolve("tokens"))) {
            assertEquals(0, s.count(), "a dry run touches no token");
        }
        Run ceremony = cli(dir, conf, "ceremony", "run", "ceremony.json");
        assertEquals(0, ceremony.rc(), ceremony.out());
        Map<String, String> shares = new HashMap<>();
        for (String line : ceremony.out().split("\n")) {
            for (String who : List.of("carol", "dave", "erin")) {
                if (line.startsWith("  " + who + ": sealer-share/v1:root-rehearsal:2:3:")) {
                    shares.put(who, line.strip());
                }
            }
        }
        assertEquals(3, shares.size(), ceremony.out());
        assertNoFileContains(dir, shares.values().stream().map(l -> l.split(":")[6]).toList()); // the y values are written nowhere
        Run verified = cli(dir, conf, "ceremony", "verify", "--transcript", "out/transcript.json", "--trust-bundle", "out/trust-bundle.json",
                "--config", "ceremony.json");
        assertEquals(0, verified.rc(), verified.out());
        String transcript = Files.readString(dir.resolve("out/transcript.json"));
        for (String needle : List.of("\"CKA_EXTRACTABLE\":false", "\"CKA_SENSITIVE\":true", "\"label\":\"sealer-tsa-ec\"", "\"name\":\"certify-time-stamping\"", "id-kp-timeStamping", "ml_dsa_boundary",
                "\"operators\":[\"ada (lead)\",\"grace (witness)\"]", "\"handle\":")) {
            assertTrue(transcript.contains(needle), needle + " in " + transcript);
        }
        Files.writeString(dir.resolve("tampered.json"), transcript.replace("grace (witness)", "mallory (witness)"));
        Run tampered = cli(dir, conf, "ceremony", "verify", "--transcript", "tampered.json", "--trust-bundle", "out/trust-bundle.json");
        assertEquals(2, tampered.rc(), tampered.out());
        assertTrue(tampered.out().contains("FAILED  both root signatures"), tampered.out());
        for (var e : shares.entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".share"), e.getValue() + "\n");
        }
        Run onePin = cli(dir, conf, "ceremony", "pin-file", "--transcript", "out/transcript.json", "--share-file", "carol.share", "--out", "service.pin");
        assertEquals(2, onePin.rc(), onePin.out());
        assertTrue(onePin.out().contains("1 of the 2 custody shares needed"), onePin.out());
        assertFalse(Files.exists(dir.resolve("service.pin")));
        Run pin = cli(dir, conf, "ceremony", "pin-file", "--transcript", "out/transcript.json", "--share-file", "carol.share", "--share-file",
                "erin.share", "--out", "service.pin");
        assertEquals(0, pin.rc(), pin.out());
        TrustBundle ceremonyBundle = TrustBundle.parse(Files.readString(dir.resolve("out/trust-bundle.json")));
        String firstSuite = ceremonyBundle.suites().getFirst().suiteId();

        // 2. the service on the ceremony's token: adopts its suite, seals, rotates, seals
        String db = TestDatabase.get().newDatabase("sealer_root_lifecycle");
        Map<String, String> props = new HashMap<>(Map.of("sealer.hsm.pin-file", dir.resolve("service.pin").toString(), "sealer.hsm.token-label", "sealer",
                "sealer.root.ceremony-bundle", dir.resolve("out/trust-bundle.json").toString(), "sealer.log.checkpoint-max-delay", "PT0.2S",
                "sealer.suite.handover", "PT0S"));
        Map<String, String> env = new HashMap<>(Map.of("SEALER_DB_URL", db, "SOFTHSM2_CONF", conf.toString()));
        List<SealResponse> oldSeals = new ArrayList<>();
        TrustBundle bundle1;
        try (ServiceProcess a = ServiceProcess.start("sealer", props, env)) {
            a.awaitReady(Duration.ofSeconds(90));
            // the ceremony certified the time-stamping key from its root: the built-in TSA is on, and stamps checkpoints
            assertTrue(a.output().contains("time-stamping authority 'sealer' ready: key 'sealer-tsa-ec' in the HSM, certificate CN=Sealer TSA"),
                    a.output());
            ManagedChannel ch = channel(a);
            try {
                var keys = KeyServiceGrpc.newBlockingStub(ch);
                TrustBundle served = TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
                assertEquals(List.of(firstSuite), served.suites().stream().map(SuiteCertificate::suiteId).toList(), "the ceremony's suite signs");
                assertTrue(served.root().sameAs(ceremonyBundle.root()));
                oldSeals.addAll(seal(ch, "before-rotation", 3));
                assertTrue(keys.rotateSuite(RotateSuiteRequest.newBuilder().setExpectedActiveSuiteId(firstSuite).build()).getRotated());
                oldSeals.addAll(seal(ch, "after-rotation", 3));
                bundle1 = TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
                assertEquals(2, bundle1.suites().size());
                Files.writeString(dir.resolve("service-bundle-1.json"), bundle1.toJson());
            } finally {
                ch.shutdownNow();
            }
        }
        for (int i = 0; i < oldSeals.size(); i++) {
            Files.writeString(dir.resolve("old-" + i + ".seal.json"), oldSeals.get(i).getSealBundleJson());
        }

        // 3. backup, the original token gone, restore into a fresh directory
        Run backup = cli(dir, conf, "ceremony", "backup", "--softhsm-conf", conf.toString(), "--out", "backup");
        assertEquals(0, backup.rc(), backup.out());
        deleteTree(dir.resolve("tokens"));
        Run restore = cli(dir, conf, "ceremony", "restore", "--from", "backup", "--into", "restored");
        assertEquals(0, restore.rc(), restore.out());
        Path restoredConf = dir.resolve("restored/softhsm2.conf");
        Run check = cli(dir, restoredConf, "ceremony", "check-token", "--token-label", "sealer", "--transcript", "out/transcript.json", "--trust-bundle",
                "service-bundle-1.json", "--share-file", "dave.share", "--share-file", "erin.share");
        assertEquals(0, check.rc(), check.out());
        assertTrue(check.out().contains("2 suite(s) derive their certified keys"), check.out());
        env.put("SOFTHSM2_CONF", restoredConf.toString());
        try (ServiceProcess b = ServiceProcess.start("sealer", props, env)) {
            b.awaitReady(Duration.ofSeconds(90));
            ManagedChannel ch = channel(b);
            try {
                TrustBundle served = TrustBundle.parse(KeyServiceGrpc.newBlockingStub(ch).getTrustBundle(GetTrustBundleRequest.getDefaultInstance())
                        .getTrustBundleJson());
                assertEquals(bundle1.suites(), served.suites(), "the restored token derives the same suite keys");
                assertAllValid(ch, oldSeals);
            } finally {
                ch.shutdownNow();
            }
        }

        // 4. root rollover on the restored token: refused with one share, done with two
        Run refused = cli(dir, restoredConf, "ceremony", "run", "rollover.json", "--share-file", "dave.share");
        assertEquals(2, refused.rc(), refused.out());
        assertTrue(refused.out().contains("1 of the 2 custody shares needed"), refused.out());
        assertFalse(Files.exists(dir.resolve("out2/trust-bundle.json")));
        Run rolled = cli(dir, restoredConf, "ceremony", "run", "rollover.json", "--share-file", "dave.share", "--share-file", "carol.share");
        assertEquals(0, rolled.rc(), rolled.out());
        Run rolledOk = cli(dir, restoredConf, "ceremony", "verify", "--transcript", "out2/transcript.json", "--trust-bundle", "out2/trust-bundle.json",
                "--config", "rollover.json");
        assertEquals(0, rolledOk.rc(), rolledOk.out());
        Map<String, String> props2 = new HashMap<>(props);
        props2.putAll(Map.of("sealer.hsm.attestation-key-label", "sealer-attest-ec-2", "sealer.root.id", "root-2", "sealer.root.ceremony-bundle",
                dir.resolve("out2/trust-bundle.json").toString(), "sealer.tsa.key-label", "sealer-tsa-ec-2"));
        List<SealResponse> newSeals = new ArrayList<>();
        TrustBundle bundle2;
        try (ServiceProcess c = ServiceProcess.start("sealer", props2, env)) {
            c.awaitReady(Duration.ofSeconds(90));
            // the rollover certified a time-stamping key of the new root's own
            assertTrue(c.output().contains("time-stamping authority 'sealer' ready: key 'sealer-tsa-ec-2' in the HSM, certificate CN=Sealer TSA 2"),
                    c.output());
            ManagedChannel ch = channel(c);
            try {
                var keys = KeyServiceGrpc.newBlockingStub(ch);
                assertTrue(keys.rotateSuite(RotateSuiteRequest.getDefaultInstance()).getRotated(), "a suite certified by the new root");
                newSeals.addAll(seal(ch, "new-root", 3));
                bundle2 = TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
                assertEquals(3, bundle2.suites().size());
                assertEquals(2, bundle2.rootChain().size());
                assertFalse(bundle2.root().sameAs(bundle1.root()));
                SuiteCertificate newest = bundle2.suites().getLast();
                assertTrue(newest.isCertifiedBy(bundle2.root()) && !newest.isCertifiedBy(bundle1.root()), "the new suite is certified by the new root");
                assertAllValid(ch, oldSeals);
                assertAllValid(ch, newSeals);
                IntegritySweepReport sweep = LogServiceGrpc.newBlockingStub(ch).runIntegritySweep(RunIntegritySweepRequest.getDefaultInstance());
                assertTrue(sweep.getClean(), sweep.getFindingsList().toString());
                Files.writeString(dir.resolve("service-bundle-2.json"), bundle2.toJson());
            } finally {
                ch.shutdownNow();
            }
        }
        for (int i = 0; i < newSeals.size(); i++) {
            Files.writeString(dir.resolve("new-" + i + ".seal.json"), newSeals.get(i).getSealBundleJson());
        }

        // offline: one SIGNED and one ANCHORED seal of each root, with the new bundle pinned and with the old root pinned
        for (String seal : List.of("old-0.seal.json", "old-1.seal.json", "old-4.seal.json", "new-0.seal.json", "new-1.seal.json")) {
            Run withNew = cli(dir, conf, "verify", "--seal", seal, "--trust-bundle", "service-bundle-2.json");
            assertEquals(0, withNew.rc(), seal + ": " + withNew.out());
            Run oldPinned = cli(dir, conf, "verify", "--seal", seal, "--trust-bundle", "service-bundle-2.json", "--pinned-root", "service-bundle-1.json");
            assertEquals(0, oldPinned.rc(), seal + ": " + oldPinned.out());
        }
        Run oldAlone = cli(dir, conf, "verify", "--seal", "old-4.seal.json", "--trust-bundle", "service-bundle-1.json");
        assertEquals(0, oldAlone.rc(), oldAlone.out());
        Run newWithOldOnly = cli(dir, conf, "verify", "--seal", "new-0.seal.json", "--trust-bundle", "service-bundle-1.json");
        assertEquals(2, newWithOldOnly.rc(), newWithOldOnly.out());
        assertTrue(newWithOldOnly.out().contains("UNKNOWN_SUITE"), newWithOldOnly.out());
        // a bundle whose chain is cut does not reach the new root from the old pin
        TrustBundle cut = new TrustBundle(bundle2.authority(), bundle2.root(), bundle2.suites(), bundle2.issuedAt(), bundle2.statusList(), List.of());
        Files.writeString(dir.resolve("cut-bundle.json"), cut.toJson());
        Run cutRun = cli(dir, conf, "verify", "--seal", "new-0.seal.json", "--trust-bundle", "cut-bundle.json", "--pinned-root", "service-bundle-1.json");
        assertEquals(1, cutRun.rc(), cutRun.out());
        assertTrue(cutRun.out().contains("neither the pinned root keys nor cross-certified"), cutRun.out());
        assertNotEquals(bundle1.toJson(), bundle2.toJson());
    }

    private static ManagedChannel channel(ServiceProcess p) {
        return ManagedChannelBuilder.forAddress("localhost", p.grpcPort).usePlaintext().build();
    }

    /** {@code n} SIGNED and {@code n} ANCHORED seals, alternating (SIGNED first). */
    private static List<SealResponse> seal(ManagedChannel ch, String prefix, int n) {
        var stub = SealServiceGrpc.newBlockingStub(ch);
        List<SealResponse> out = new ArrayList<>();
        for (int i = 0; i < 2 * n; i++) {
            SealMode mode = i % 2 == 0 ? SealMode.SIGNED : SealMode.ANCHORED;
            out.add(stub.withDeadlineAfter(30, TimeUnit.SECONDS).seal(Grpc.request(prefix + "-" + i).setMode(mode).build()));
        }
        return out;
    }

    private static void assertAllValid(ManagedChannel ch, List<SealResponse> seals) {
        var stub = SealServiceGrpc.newBlockingStub(ch);
        for (SealResponse r : seals) {
            VerifyResponse byId = stub.verify(VerifyRequest.newBuilder().setSealId(r.getSeal().getSealId()).build());
            assertEquals(Verdict.VALID, byId.getVerdict(), byId.toString());
            VerifyResponse byBundle = stub.verify(VerifyRequest.newBuilder().setSealBundleJson(r.getSealBundleJson()).build());
            assertEquals(Verdict.VALID, byBundle.getVerdict(), byBundle.toString());
        }
    }

    private static void assertNoFileContains(Path dir, List<String> needles) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String n : needles) {
                    assertFalse(text.contains(n), f + " holds a custody share");
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
