package dev.sealer.testing;

import dev.sealer.dev.DevToken;
import dev.sealer.hsm.HsmConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One fresh SoftHSM2 token store per test JVM, in a temporary directory, made by the real key
 * ceremony script. Besides the good token it holds two broken ones for the refusal tests:
 * one whose root secret was deleted and one with an extractable secret. All tokens exist
 * before the PKCS#11 library is first initialised in this JVM.
 */
public final class TestHsm {
    public static final String GOOD = "sealer-test";
    public static final String NO_ROOT = "sealer-noroot";
    public static final String EXTRACTABLE = "sealer-extract";
    public static final String EXTRACTABLE_ROOT_LABEL = "sealer-root-extractable";

    private static TestHsm instance;
    private final Path dir;

    private TestHsm(Path dir) {
        this.dir = dir;
    }

    /** The JVM's token store; found again through a system property from other class loaders. */
    public static synchronized TestHsm get() {
        if (instance == null && System.getProperty("sealer.test.hsm.dir") != null) {
            instance = new TestHsm(Path.of(System.getProperty("sealer.test.hsm.dir")));
        }
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("sealer-test-hsm-");
                DevToken.createIfMissing(dir, GOOD);
                DevToken.createIfMissing(dir, NO_ROOT);
                DevToken.createIfMissing(dir, EXTRACTABLE);
                TestHsm hsm = new TestHsm(dir);
                hsm.pkcs11Tool(NO_ROOT, "--delete-object", "--type", "secrkey", "--label", "sealer-root");
                hsm.pkcs11Tool(EXTRACTABLE, "--keygen", "--key-type", "GENERIC:32", "--label", EXTRACTABLE_ROOT_LABEL,
                        "--id", "09", "--extractable", "--private", "--usage-sign");
                new DevToken(dir, GOOD).activate();
                System.setProperty("sealer.test.hsm.dir", dir.toString());
                instance = hsm;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    public Path dir() {
        return dir;
    }

    public Path pinFile(String label) {
        return new DevToken(dir, label).pinFile();
    }

    public char[] pin(String label) {
        return HsmConfig.resolvePin(java.util.Optional.empty(), java.util.Optional.of(pinFile(label)));
    }

    public HsmConfig config(String label) {
        return new HsmConfig(DevToken.SOFTHSM_LIBRARY, label, pin(label), "sealer-root", "sealer-attest-ec");
    }

    /** Runs pkcs11-tool against a token of this store (the PIN goes through a file-backed argument, never a log). */
    public void pkcs11Tool(String label, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("pkcs11-tool", "--module", DevToken.SOFTHSM_LIBRARY,
                "--token-label", label, "--login", "--pin", new String(pin(label))));
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("SOFTHSM2_CONF", dir.resolve("softhsm2.conf").toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("pkcs11-tool " + args[0] + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
