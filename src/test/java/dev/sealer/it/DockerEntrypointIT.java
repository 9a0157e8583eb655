package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' entry points ({@code docker/entrypoint.sh}, {@code docker/dev-entrypoint.sh}) run
 * outside a container (there is no container engine on the build machines), against the packaged
 * jar, the real SoftHSM2 and a real PostgreSQL: the first start runs the key ceremony and serves,
 * the second reuses the token, the health check tells ready from not, and a misconfigured
 * production start stops with exit 64 naming what is missing.
 */
class DockerEntrypointIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String JAVA_HOME = System.getProperty("java.home");

    record Run(int exit, String output) {
    }

    private static Map<String, String> baseEnv(Path tmp) {
        Path jar = Path.of(System.getProperty("sealer.it.app-jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        Map<String, String> env = new HashMap<>();
        env.put("SEALER_HOME", jar.getParent().getParent().toString()); // .../target, holding quarkus-app/
        env.put("JAVA_HOME", JAVA_HOME);
        env.put("JAVA", Path.of(JAVA_HOME, "bin", "java").toString());
        env.put("SEALER_ENTRYPOINT", ROOT.resolve("docker/entrypoint.sh").toString());
        env.put("SEALER_CEREMONY", ROOT.resolve("keys-ceremony/create-token.sh").toString());
        env.put("SEALER_TOKEN_DIR", tmp.resolve("hsm").toString());
        env.put("SEALER_TOKEN_LABEL", "sealer-docker");
        return env;
    }

    private static Run run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        clean(pb.environment());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    private static void clean(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("SEALER_") || k.startsWith("QUARKUS_") || k.equals("SOFTHSM2_CONF"));
    }

    @Test
    void devEntrypoint_firstStartRunsTheCeremonyAndServes_secondStartReusesTheToken(@TempDir Path tmp) throws Exception {
        Map<String, String> env = baseEnv(tmp);
        int http = freePort();
        int grpc = freePort();
        TestDatabase db = TestDatabase.get();
        env.put("SEALER_DB_URL", db.newDatabase("sealer_docker_entrypoint"));
        env.put("SEALER_DB_USER", db.appRole());
        env.put("SEALER_DB_PASSWORD", "");
        env.put("SEALER_DB_OWNER_USER", db.ownerRole());
        env.put("SEALER_DB_OWNER_PASSWORD", "");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(http));
        env.put("QUARKUS_GRPC_SERVER_PORT", String.valueOf(grpc));
        env.put("SEALER_AUTH_PLAINTEXT", "true");
        env.put("SEALER_AUTH_ANONYMOUS_ROLES", "sealer");
        Path entry = ROOT.resolve("docker/entrypoint.sh");

        assertEquals(1, run(env, "bash", entry.toString(), "healthcheck").exit(), "nothing listens yet: not healthy");
        String suite;
        try (Service s = Service.start(env, tmp.resolve("first.log"))) {
            s.awaitReady();
            assertTrue(s.output().contains("first start: key ceremony for token 'sealer-docker'"), s.output());
            assertTrue(s.output().contains("token 'sealer-docker' created in"), s.output());
            assertTrue(Files.exists(tmp.resolve("hsm/sealer-docker.pin")));
            Run health = run(env, "bash", entry.toString(), "healthcheck");
            assertEquals(0, health.exit(), health.output());
            for (String probe : List.of("/q/health/started", "/q/health/live")) { // the Kubernetes startup and liveness probes
                int code = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + http + probe)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                assertEquals(200, code, probe);
            }
            suite = seal(grpc).getSeal().getSuiteId();
        }
        try (Service s = Service.start(env, tmp.resolve("second.log"))) {
            s.awaitReady();
            assertTrue(s.output().contains("token 'sealer-docker' in " + tmp.resolve("hsm") + " exists; no ceremony"), s.output());
            assertEquals(suite, seal(grpc).getSeal().getSuiteId(), "the same token, so the same root and the same active suite");
        }
    }

    private static SealResponse seal(int grpcPort) {
        ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
        try {
            SealResponse r = SealServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .seal(Grpc.request("docker-entrypoint").setMode(SealMode.ANCHORED).build());
            assertTrue(r.hasAnchor());
            return r;
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    void prodEntrypoint_withoutModuleOrPin_stopsWithExit64NamingIt(@TempDir Path tmp) throws Exception {
        Map<String, String> env = baseEnv(tmp);
        String entry = ROOT.resolve("docker/entrypoint.sh").toString();
        Run noModule = run(env, "bash", entry);
        assertEquals(64, noModule.exit(), noModule.output());
        assertTrue(noModule.output().contains("SEALER_HSM_LIBRARY is not set"), noModule.output());

        env.put("SEALER_HSM_LIBRARY", tmp.resolve("missing.so").toString());
        Run missing = run(env, "bash", entry, "serve");
        assertEquals(64, missing.exit(), missing.output());
        assertTrue(missing.output().contains("PKCS#11 module " + tmp.resolve("missing.so") + " not found"), missing.output());

        env.put("SEALER_HSM_LIBRARY", "/usr/lib/softhsm/libsofthsm2.so");
        Run noPin = run(env, "bash", entry);
        assertEquals(64, noPin.exit(), noPin.output());
        assertTrue(noPin.output().contains("no HSM PIN: set SEALER_HSM_PIN or SEALER_HSM_PIN_FILE"), noPin.output());

        Run cli = run(env, "bash", entry, "cli", "verify", "--help");
        assertEquals(0, cli.exit(), cli.output());
        assertTrue(cli.output().contains("--trust-bundle"), cli.output());
    }

    /** The dev entry point as a process (it execs the production one, which execs java). */
    private record Service(Process process, Path log, int httpPort) implements AutoCloseable {
        static Service start(Map<String, String> env, Path log) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(List.of("bash", ROOT.resolve("docker/dev-entrypoint.sh").toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            clean(pb.environment());
            pb.environment().putAll(env);
            return new Service(pb.start(), log, Integer.parseInt(env.get("QUARKUS_HTTP_PORT")));
        }

        String output() throws IOException {
            return Files.readString(log);
        }

        void awaitReady() throws Exception {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("exited with " + process.exitValue() + ":\n" + output());
                }
                try {
                    if (client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/q/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            throw new AssertionError("not ready after 120 s:\n" + output());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // SIGTERM to java itself: both scripts exec
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
