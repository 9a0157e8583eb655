package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.cli.SealerCli;
import dev.sealer.testing.SealerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Python client ({@code clients/python/sealer_client.py}) run as a real subprocess with
 * Debian's {@code /usr/bin/python3} against the live test service (gRPC on 9001, plaintext).
 */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class PythonClientTest {
    private static final Path CLIENT = Path.of("clients/python/sealer_client.py").toAbsolutePath();
    private static final String PYTHON = "/usr/bin/python3";
    /** The test gRPC port (9001 unless quarkus.grpc.server.test-port says otherwise), plaintext. */
    private static final String TARGET = "localhost:"
            + ConfigProvider.getConfig().getOptionalValue("quarkus.grpc.server.test-port", Integer.class).orElse(9001);
    private static final Pattern SEAL_ID = Pattern.compile("seal=([0-9a-f-]{36})");

    @Inject
    SuiteRegistry suites;

    record Run(int exit, String stdout, String stderr) {
        String describe() {
            return "exit " + exit + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    /** Runs the client in {@code cwd} with a timeout; the stubs are generated on the first run. */
    private static Run client(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, CLIENT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        env.remove("SEALER_TARGET");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        Path out = Files.createTempFile(cwd, "client-", ".out");
        Path err = Files.createTempFile(cwd, "client-", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("client timed out: " + cmd + "\n--- stdout ---\n" + Files.readString(out) + "--- stderr ---\n" + Files.readString(err));
        }
        Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    /**
     * The gRPC test port is fixed, so a test JVM of another checkout on this machine can hold it;
     * Quarkus then only logs "Port already bound" and the client talks to that other service.
     * Said plainly here instead of failing later with that service's errors.
     */
    @BeforeEach
    void theServiceOnTheTestPortIsThisJvms(@TempDir Path dir) throws Exception {
        Run probe = client(dir, "trust-bundle", "--out", "trust.json", "--target", TARGET);
        String ownSuite = suites.state().activeCertificate().suiteId();
        assertTrue(probe.exit() == 0 && Files.readString(dir.resolve("trust.json")).contains("\"" + ownSuite + "\""),
                "the service on " + TARGET + " is not this test's (suite " + ownSuite + " not in its trust bundle): "
                        + "is another test run holding the gRPC test port?\n" + probe.describe());
    }

    private static String sealId(Run run) {
        Matcher m = SEAL_ID.matcher(run.stdout());
        assertTrue(m.find(), "no seal id in the client's output:\n" + run.describe());
        return m.group(1);
    }

    @Test
    void pythonClient_sealsVerifiesDetectsTamperingAndItsBundleVerifiesOffline(@TempDir Path dir) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path artifact = Files.writeString(dir.resolve("weights.bin"), "weights of a small model\n");
        Path model = Files.createDirectories(dir.resolve("tiny-model"));
        Files.writeString(model.resolve("config.json"), "{\"layers\":2}\n");
        Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Files.createDirectories(model.resolve("tokenizer"));
        Files.writeString(model.resolve("tokenizer/vocab.txt"), "a\nb\nc\n");

        // seal a single file and the model directory
        Run fileSeal = client(work, "seal", artifact.toString(), "--target", TARGET, "--stage", "training",
                "--label", "team=ml-platform", "--out", "weights.seal.json");
        assertEquals(0, fileSeal.exit(), fileSeal.describe());
        assertTrue(fileSeal.stdout().startsWith("sealed weights.bin sha-256:"), fileSeal.describe());
        String fileSealId = sealId(fileSeal);
        Path fileBundle = work.resolve("weights.seal.json");
        assertTrue(Files.readString(fileBundle).contains("\"format\":\"sealer-seal-bundle/v2\""), fileSeal.describe());

        Run dirSeal = client(work, "seal", model.toString(), "--target", TARGET, "--stage", "model-development",
                "--parent", fileSealId);
        assertEquals(0, dirSeal.exit(), dirSeal.describe());
        String dirSealId = sealId(dirSeal);
        Path dirBundle = work.resolve("tiny-model.seal.json");
        assertTrue(Files.exists(dirBundle), dirSeal.describe());
        String manifest = Files.readString(work.resolve("tiny-model.manifest.json"));
        assertTrue(manifest.startsWith("{\"files\":[{\"path\":\"config.json\","), manifest);
        assertTrue(manifest.contains("\"path\":\"tokenizer/vocab.txt\""), manifest);
        String dirReceipt = new String(java.util.Base64.getDecoder().decode(
                dev.sealer.core.json.Json.string(dev.sealer.core.json.Json.parseObject(Files.readString(dirBundle)), "receipt")),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(dirReceipt.contains("\"parents\":[\"" + fileSealId + "\"]"), dirReceipt);

        // both verify VALID against the service
        Run fileOk = client(work, "verify", artifact.toString(), "--seal", fileBundle.toString(), "--target", TARGET);
        assertEquals(0, fileOk.exit(), fileOk.describe());
        assertTrue(fileOk.stdout().startsWith("VALID"), fileOk.describe());
        Run dirOk = client(work, "verify", model.toString(), "--seal", dirBundle.toString(), "--target", TARGET);
        assertEquals(0, dirOk.exit(), dirOk.describe());
        assertTrue(dirOk.stdout().startsWith("VALID"), dirOk.describe());

        // re-sealing the same unchanged path is idempotent: the same seal, replayed
        Run again = client(work, "seal", model.toString(), "--target", TARGET, "--stage", "model-development",
                "--parent", fileSealId);
        assertEquals(0, again.exit(), again.describe());
        assertEquals(dirSealId, sealId(again), again.describe());
        assertTrue(again.stdout().contains("(replayed)"), again.describe());

        // one edited file of the directory: INVALID ANCHOR_MISMATCH, exit 2, and the file is named
        Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 9});
        Run tampered = client(work, "verify", model.toString(), "--seal", dirBundle.toString(), "--target", TARGET);
        assertEquals(2, tampered.exit(), tampered.describe());
        assertTrue(tampered.stdout().startsWith("INVALID ANCHOR_MISMATCH"), tampered.describe());
        assertTrue(tampered.stdout().contains("changed: model.safetensors"), tampered.describe());

        // the trust bundle, and the Java offline verifier accepts the Python-written seal bundle
        Run trust = client(work, "trust-bundle", "--out", "trust.json", "--target", TARGET);
        assertEquals(0, trust.exit(), trust.describe());
        Path trustBundle = work.resolve("trust.json");
        assertTrue(Files.readString(trustBundle).contains("sealer-trust-bundle/v1"), trust.describe());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SealerCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int offline = cli.execute("verify", "--seal", fileBundle.toString(), "--trust-bundle", trustBundle.toString(),
                "--file", artifact.toString());
        assertEquals(0, offline, "offline verify: " + out + err);
        assertTrue(out.toString().startsWith("VALID"), out.toString());
    }

    @Test
    void pythonClient_operatorCommands_suitesRotateSweep(@TempDir Path dir) throws Exception {
        String active = suites.state().activeCertificate().suiteId();
        Run list = client(dir, "suites", "--target", TARGET);
        assertTrue(list.exit() == 0 && list.stdout().contains(active + " ACTIVE sign "), list.describe());
        Run rotated = client(dir, "rotate", "--expected-active", active, "--target", TARGET);
        assertTrue(rotated.exit() == 0 && rotated.stdout().matches("active suite=(?!" + active + ")\\S+ rotated=true\n"), rotated.describe());
        Run again = client(dir, "rotate", "--expected-active", active, "--target", TARGET);
        assertEquals(rotated.stdout().replace("rotated=true", "rotated=false"), again.stdout(), again.describe());
        // the shared test database may hold a receipt LogServiceTest tampered with on purpose: then the
        // sweep must say so (exit 2, ANCHOR_MISMATCH); otherwise it is clean (exit 0)
        Run sweep = client(dir, "sweep", "--target", TARGET);
        assertTrue((sweep.exit() == 0 && sweep.stdout().startsWith("clean: "))
                || (sweep.exit() == 2 && sweep.stdout().contains("ANCHOR_MISMATCH seal=")), sweep.describe());
    }

    @Test
    void pythonClient_rpcErrorsShowStatusAndReason(@TempDir Path dir) throws Exception {
        Path artifact = Files.writeString(dir.resolve("data.csv"), "a,b\n1,2\n");
        Run bad = client(dir, "seal", artifact.toString(), "--target", TARGET, "--label", "Bad Key=x");
        assertEquals(3, bad.exit(), bad.describe());
        assertTrue(bad.stderr().startsWith("error: INVALID_ARGUMENT INVALID_LABELS: "), bad.describe());

        Run first = client(dir, "seal", artifact.toString(), "--target", TARGET, "--request-id", "py-conflict-" + System.nanoTime());
        assertEquals(0, first.exit(), first.describe());
        String rid = first.stdout().replaceAll("(?s).*request=(\\S+).*", "$1");
        Files.writeString(artifact, "a,b\n1,3\n");
        Run conflict = client(dir, "seal", artifact.toString(), "--target", TARGET, "--request-id", rid);
        assertEquals(1, conflict.exit(), conflict.describe());
        assertTrue(conflict.stderr().startsWith("error: ALREADY_EXISTS REQUEST_ID_CONFLICT: "), conflict.describe());

        Run unreachable = client(dir, "seal", artifact.toString(), "--target", "localhost:1", "--timeout", "10");
        assertEquals(1, unreachable.exit(), unreachable.describe());
        assertTrue(unreachable.stderr().startsWith("error: UNAVAILABLE: "), unreachable.describe());
    }
}
