package dev.sealer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.dev.DevToken;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.testing.SealingLoad;
import dev.sealer.testing.ServiceProcess;
import dev.sealer.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The HSM token taken away and given back while sealing, on the packaged jar with a token of its
 * own: sealing answers HSM_UNAVAILABLE while it is gone; a token with the same label but other
 * keys put in its place is refused; the real one, back with a changed PIN (new PIN in the PIN
 * file), is taken up by the same process by itself (module reinitialised, token found by label,
 * root keys found and checked again), readiness included, with nothing acknowledged lost.
 */
class HsmRecoveryIT {
    static final String LABEL = "sealer-blip";

    @Test
    void tokenRemovedWhileSealing_impostorRefused_realTokenBackWithNewPin_recoversWithoutRestart_nothingAcknowledgedLost() throws Exception {
        Path store = Files.createTempDirectory("sealer-blip-hsm-");
        DevToken token = DevToken.createIfMissing(store, LABEL);
        Path tokens = store.resolve("tokens");
        Path tokenDir;
        try (Stream<Path> dirs = Files.list(tokens)) {
            tokenDir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        // while away the token lives in a token directory of its own, where its PIN is changed
        Path awayTokens = Files.createDirectories(store.resolve("away-tokens"));
        Path away = awayTokens.resolve(tokenDir.getFileName());
        Path awayConf = store.resolve("away.conf");
        Files.writeString(awayConf, "directories.tokendir = " + awayTokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        // an impostor: a token with the same label and other keys, and the PIN to log in to it
        Path impostorStore = Files.createTempDirectory("sealer-blip-impostor-");
        DevToken impostor = DevToken.createIfMissing(impostorStore, LABEL);
        Path impostorDir;
        try (Stream<Path> dirs = Files.list(impostorStore.resolve("tokens"))) {
            impostorDir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String realPin = Files.readString(token.pinFile()).strip();

        String run = "blip-" + System.nanoTime();
        Map<String, SealResponse> acknowledged;
        SealingLoad load;
        // a token of its own has a root of its own, so a database of its own too
        TestDatabase db = TestDatabase.get();
        String dbUrl = db.newDatabase("sealer_hsm_recovery");
        try (ServiceProcess service = ServiceProcess.start(LABEL, Map.of("sealer.hsm.pin-file", token.pinFile().toString(),
                "sealer.hsm.probe-interval", "1s", "sealer.hsm.recovery-backoff-max", "PT2S"),
                Map.of("SOFTHSM2_CONF", token.softhsmConf().toString(), "SEALER_DB_URL", dbUrl))) {
            service.awaitReady(Duration.ofSeconds(90));
            long pid = service.pid();
            ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", service.grpcPort).usePlaintext().build();
            load = new SealingLoad(ch, 4, run, "HSM_UNAVAILABLE");
            acknowledged = load.acknowledged;
            try (load) {
                load.awaitMore(100);

                Files.move(tokenDir, away); // the token is gone: its files are away
                service.awaitReadiness(503, Duration.ofSeconds(20));
                Thread.sleep(5_000);

                // a token with the same label and its right PIN, but other keys, is refused
                Path impostorIn = tokens.resolve(impostorDir.getFileName());
                Files.move(impostorDir, impostorIn);
                writePin(token.pinFile(), Files.readString(impostor.pinFile()).strip());
                awaitOutput(service, "came back with a different root attestation key", Duration.ofSeconds(20));
                assertEquals(503, service.http("/q/health/ready").getKey(), "not ready on the impostor token");
                Files.move(impostorIn, impostorDir);

                // the real token returns with a new PIN, which the operator put in the PIN file
                String newPin = "0123456789abcdef0123456789abcdef";
                changePin(awayConf, realPin, newPin);
                writePin(token.pinFile(), newPin);
                Files.move(away, tokenDir); // and back
                service.awaitReadiness(200, Duration.ofSeconds(30));
                load.awaitMore(100); // sealing works again after the token returned
            }
            ch.shutdownNow();
            assertEquals(pid, service.pid(), "the same process");
            String output = service.output();
            assertTrue(output.contains("HSM token '" + LABEL + "' reopened"), "the recovery is logged:\n" + ShutdownDrainIT.tail(output));
        }
        assertTrue(load.expectedRefusals.get() > 0, "sealing was refused with HSM_UNAVAILABLE while the token was away");
        assertEquals(List.of(), load.unexpected.stream().distinct().limit(10).toList(), "no error other than HSM_UNAVAILABLE");

        Set<String> stored = new HashSet<>();
        try (Connection c = java.sql.DriverManager.getConnection(db.serviceUrl("sealer_hsm_recovery"), db.username(), db.password());
                PreparedStatement st = c.prepareStatement("select request_id from receipts where request_id like ?")) {
            st.setString(1, run + "-%");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
        }
        Set<String> lost = new HashSet<>(acknowledged.keySet());
        lost.removeAll(stored);
        assertEquals(Set.of(), lost, "every acknowledged seal is stored");
    }

    private static void writePin(Path file, String pin) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(tmp, pin);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** C_SetPIN on the token while it is away from the service (pkcs11-tool, on the token's own directory). */
    private static void changePin(Path conf, String oldPin, String newPin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("pkcs11-tool", "--module", DevToken.SOFTHSM_LIBRARY, "--token-label", LABEL, "--login",
                "--pin", oldPin, "--change-pin", "--new-pin", newPin).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", conf.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "pkcs11-tool --change-pin: " + out);
    }

    private static void awaitOutput(ServiceProcess service, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!service.output().contains(text)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the service did not log '" + text + "' within " + timeout + ":\n" + ShutdownDrainIT.tail(service.output()));
            }
            Thread.sleep(200);
        }
    }



}
