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
    /** A root with known bytes imported into the good token, for the HKDF conformance test (test-only secret). */
    public static final String IMPORTED_ROOT_LABEL = "sealer-root-imported";

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
                byte[] known = new byte[32];
                new java.security.SecureRandom().nextBytes(known);
                Path rootFile = dir.resolve("imported-root.bin");
                Files.write(rootFile, known);
                new DevToken(dir, GOOD).activate();
                hsm.importRoot(known);
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

    /** The bytes of the imported test root (never a production key: generated per test run). */
    public byte[] importedRoot() {
        try {
            return Files.readAllBytes(dir.resolve("imported-root.bin"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /**
     * Imports known root bytes into the good token as a sensitive, non-extractable, private
     * generic secret usable for HMAC (pkcs11-tool cannot write generic secrets; SunPKCS11 can).
     */
    private void importRoot(byte[] known) {
        try {
            long slot = slot(GOOD);
            java.security.Provider p = java.security.Security.getProvider("SunPKCS11").configure("--name=RootImport\nlibrary="
                    + DevToken.SOFTHSM_LIBRARY + "\nslot=" + slot + "\nattributes(*, CKO_SECRET_KEY, *) = {\n CKA_SENSITIVE = true\n"
                    + " CKA_EXTRACTABLE = false\n CKA_PRIVATE = true\n CKA_SIGN = true\n}\n");
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS11", p);
            ks.load(null, pin(GOOD));
            // SunPKCS11 stores HMAC keys as CKK_GENERIC_SECRET
            javax.crypto.SecretKey key = new javax.crypto.spec.SecretKeySpec(known, "HmacSHA256");
            ks.setEntry(IMPORTED_ROOT_LABEL, new java.security.KeyStore.SecretKeyEntry(key), null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot import the test root: " + e, e);
        }
    }

    /** The PKCS#11 slot of a token of this store (through the adapter's package-private wrapper). */
    @SuppressWarnings("unchecked")
    public static long slot(String label) {
        try {
            Class<?> w = Class.forName("dev.sealer.hsm.Pkcs11Wrapper");
            var load = w.getDeclaredMethod("load", String.class);
            load.setAccessible(true);
            var slots = w.getDeclaredMethod("slotsWithTokenLabel", String.class);
            slots.setAccessible(true);
            return ((List<Long>) slots.invoke(load.invoke(null, DevToken.SOFTHSM_LIBRARY), label)).getFirst();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
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
