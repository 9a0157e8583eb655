package dev.sealer.dev;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A SoftHSM2 token made by the key ceremony script ({@code keys-ceremony/create-token.sh},
 * shipped inside the jar) in a token directory. The dev profile and the tests use this one
 * mechanism; the PIN stays in {@code <dir>/<label>.pin} (mode 0600) and is never printed.
 */
public record DevToken(Path dir, String label) {

    public static final String SOFTHSM_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";

    public Path pinFile() {
        return dir.resolve(label + ".pin");
    }

    public Path softhsmConf() {
        return dir.resolve("softhsm2.conf");
    }

    /** Creates the token unless {@code dir} already holds one (restarts keep the token). */
    public static synchronized DevToken createIfMissing(Path dir, String label) {
        DevToken token = new DevToken(dir.toAbsolutePath(), label);
        if (Files.exists(token.pinFile())) {
            return token;
        }
        runCeremony(token.dir(), label);
        return token;
    }

    /** Points this process's SoftHSM2 at the token's directory; call before the first PKCS#11 use. */
    public DevToken activate() {
        NativeEnv.setenv("SOFTHSM2_CONF", softhsmConf().toString());
        return this;
    }

    static void runCeremony(Path dir, String label) {
        try {
            Path script = extractScript();
            List<String> command = new ArrayList<>(List.of("bash", script.toString(), "--dir", dir.toString(), "--label", label));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = pb.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = process.waitFor();
            Files.deleteIfExists(script);
            if (rc != 0) {
                throw new IllegalStateException("key ceremony failed (exit " + rc + "): " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the key ceremony script: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the key ceremony", e);
        }
    }

    private static Path extractScript() throws IOException {
        Path script = Files.createTempFile("sealer-create-token", ".sh",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (InputStream in = DevToken.class.getResourceAsStream("/keys-ceremony/create-token.sh")) {
            if (in == null) {
                throw new IOException("keys-ceremony/create-token.sh is missing from the classpath");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }
}
