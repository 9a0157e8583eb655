package dev.sealer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged service ({@code quarkus-run.jar}) started as a real OS process against the test token and database. */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    public final int httpPort;
    public final int grpcPort;

    private ServiceProcess(Process process, Path log, int httpPort, int grpcPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
    }

    /** Starts the jar with the given token, extra system properties and extra environment. */
    public static ServiceProcess start(String tokenLabel, Map<String, String> sysProps, Map<String, String> env) {
        return start(tokenLabel, sysProps, env, List.of());
    }

    /**
     * As {@link #start(String, Map, Map)}, with extra JVM options placed before {@code -jar}
     * (e.g. {@code -XX:StartFlightRecording=...}, heap sizes).
     */
    public static ServiceProcess start(String tokenLabel, Map<String, String> sysProps, Map<String, String> env, List<String> jvmArgs) {
        String jar = System.getProperty("sealer.it.app-jar", "target/quarkus-app/quarkus-run.jar");
        TestHsm hsm = TestHsm.get();
        TestDatabase db = TestDatabase.get();
        int http = freePort();
        int grpc = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-Dquarkus.http.port=" + http, "-Dquarkus.grpc.server.port=" + grpc,
                "-Dsealer.hsm.token-label=" + tokenLabel, "-Dsealer.hsm.pin-file=" + hsm.pinFile(tokenLabel)));
        if (!sysProps.containsKey("sealer.auth.plaintext") && !sysProps.containsKey("quarkus.grpc.server.ssl.certificate")) {
            cmd.add("-Dsealer.auth.plaintext=true"); // the prod profile refuses plaintext gRPC unless asked for it
            if (!sysProps.containsKey("sealer.auth.anonymous-roles")) {
                cmd.add("-Dsealer.auth.anonymous-roles=sealer,auditor,key-admin"); // packaged-jar tests act in every role
            }
        }
        sysProps.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", jar));
        try {
            Path log = Files.createTempFile("sealer-service-", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("SOFTHSM2_CONF", hsm.dir().resolve("softhsm2.conf").toString());
            pb.environment().put("SEALER_DB_URL", db.serviceUrl());
            pb.environment().put("SEALER_DB_USER", db.appRole());
            pb.environment().put("SEALER_DB_PASSWORD", "");
            pb.environment().put("SEALER_DB_OWNER_USER", db.ownerRole());
            pb.environment().put("SEALER_DB_OWNER_PASSWORD", "");
            pb.environment().remove("SEALER_HSM_PIN");
            pb.environment().putAll(env);
            return new ServiceProcess(pb.start(), log, http, grpc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the process to exit; returns its exit code, or throws if it is still running after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("service still running after " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    /** Polls {@code /q/health/ready} until it answers 200; fails with the service output otherwise. Returns the answer. */
    public String awaitReady(Duration timeout) throws InterruptedException {
        return awaitHealth("/q/health/ready", "ready", timeout);
    }

    /** Polls {@code /q/health/live} until it answers 200 (the service runs, whether or not it is ready). */
    public void awaitLive(Duration timeout) throws InterruptedException {
        awaitHealth("/q/health/live", "live", timeout);
    }

    private String awaitHealth(String path, String what, Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("service exited with " + process.exitValue() + "; output:\n" + output());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("service not " + what + " after " + timeout + "; output:\n" + output());
    }

    /** Polls readiness until it answers {@code status} (200 ready, 503 not ready); fails with the output's end otherwise. */
    public void awaitReadiness(int status, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = http("/q/health/ready").getKey();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        String out = output();
        throw new AssertionError("readiness answered " + last + ", not " + status + ", within " + timeout + "; output ends:\n"
                + out.substring(Math.max(0, out.length() - 4000)));
    }

    /** GET {@code path} on the HTTP port: status code and body. */
    public Map.Entry<Integer, String> http(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Map.entry(r.statusCode(), r.body());
    }

    /** The OS process id (for jcmd, CPU accounting). */
    public long pid() {
        return process.pid();
    }

    /** The service's stdout and stderr so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "<no output: " + e + ">";
        }
    }

    /** Sends SIGTERM (what an orchestrator sends to stop a pod) and returns at once. */
    public void terminate() {
        process.destroy();
    }

    /** Kills the process as {@code kill -9} would: no shutdown hooks, no flushing. */
    public void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                killHard();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
