package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.testing.SealerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client as a package ({@code clients/python}): its committed stubs are what
 * {@code generate.sh} produces today, it installs offline with Debian's pip into a venv over
 * Debian's python3-grpcio / python3-protobuf / python3-cryptography, and its own pytest suite
 * passes against the live test service (the {@code sealer} console command and the Java offline
 * verifier for the ML-DSA half included), with nothing skipped.
 */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class PythonPackageTest {
    private static final Path CLIENT = Path.of("clients/python").toAbsolutePath();
    private static final String PYTHON = "/usr/bin/python3";
    private static final String TARGET = "localhost:"
            + ConfigProvider.getConfig().getOptionalValue("quarkus.grpc.server.test-port", Integer.class).orElse(9001);

    record Run(int exit, String output) {
    }

    private static Run run(Path cwd, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().remove("SEALER_TARGET");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("python-package-", ".out");
        Process p = pb.redirectOutput(out.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("timed out: " + List.of(cmd) + "\n" + Files.readString(out));
        }
        Run r = new Run(p.exitValue(), Files.readString(out));
        Files.delete(out);
        return r;
    }

    @Test
    void committedStubs_areExactlyWhatGenerateShProduces(@TempDir Path dir) throws Exception {
        Run gen = run(CLIENT, Map.of("OUT_DIR", dir.toString()), "sh", "generate.sh");
        assertEquals(0, gen.exit(), gen.output());
        Path committed = CLIENT.resolve("src/sealer");
        List<String> generated = files(dir.resolve("sealer"));
        assertEquals(files(committed), generated, "the same set of stub files");
        assertTrue(generated.size() >= 11, generated.toString());
        for (String f : generated) {
            assertEquals(Files.readString(dir.resolve("sealer").resolve(f)), Files.readString(committed.resolve(f)),
                    "clients/python/src/sealer/" + f + " differs from what generate.sh produces: run it and commit the result");
        }
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".py")).map(p -> root.relativize(p).toString())
                    .sorted().toList();
        }
    }

    @Test
    void pipInstallsThePackageOffline_andItsPytestSuitePassesAgainstTheService(@TempDir Path dir) throws Exception {
        // a copy, so the build leaves nothing in the source tree
        Path src = dir.resolve("src-copy");
        try (Stream<Path> s = Files.walk(CLIENT)) {
            for (Path p : s.filter(p -> !p.toString().contains("/build/") && !p.toString().contains(".egg-info")
                    && !p.toString().contains("__pycache__")).toList()) {
                Path to = src.resolve(CLIENT.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path venv = dir.resolve("venv");
        Run mk = run(dir, Map.of(), PYTHON, "-m", "venv", "--system-site-packages", venv.toString());
        assertEquals(0, mk.exit(), mk.output());
        Run pip = run(dir, Map.of(), venv.resolve("bin/pip").toString(), "install", "--no-index", "--no-build-isolation", src.toString());
        assertEquals(0, pip.exit(), pip.output());
        assertTrue(pip.output().contains("Successfully installed sealer-client-0.1.0"), pip.output());

        String javaCli = String.join(" ", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", // as the packaged jar's runner sets it
                "-cp", System.getProperty("java.class.path"),
                "dev.sealer.Main");
        List<String> cmd = new ArrayList<>(List.of(venv.resolve("bin/python").toString(), "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                CLIENT.resolve("tests").toString()));
        Run tests = run(dir, Map.of("SEALER_TARGET", TARGET, "SEALER_JAVA_CLI", javaCli,
                "PATH", venv.resolve("bin") + ":" + System.getenv("PATH")), cmd.toArray(String[]::new));
        assertEquals(0, tests.exit(), tests.output());
        String summary = tests.output().lines().filter(l -> l.contains(" passed")).reduce((a, b) -> b).orElse("");
        assertTrue(summary.matches("\\d+ passed in .*"), "every test ran, none skipped or failed:\n" + tests.output());
        // the tests ran against the installed copy, not the source tree
        Run where = run(dir, Map.of(), venv.resolve("bin/python").toString(), "-c", "import sealer_client; print(sealer_client.__file__)");
        assertTrue(where.output().startsWith(venv.toString()), where.output());
    }
}
