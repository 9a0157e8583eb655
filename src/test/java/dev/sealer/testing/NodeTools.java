package dev.sealer.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Outside tools from npm for the tests that run them (the deploy checks, the Sigstore JavaScript client): a directory of the
 * repository with its pinned {@code package-lock.json} is copied under {@code target/} and installed there with {@code npm ci}
 * (again only when the lock file changed), and commands run in it with their output captured.
 */
public final class NodeTools {
    private NodeTools() {
    }

    /** A finished command: its exit code and its standard output and error, interleaved. */
    public record Run(int exit, String output) {
    }

    /** Runs {@code cmd} in {@code cwd}; fails the test when it does not finish within 10 minutes. */
    public static Run run(Path cwd, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("node-tools-", ".out");
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + List.of(cmd) + "\n" + Files.readString(out));
        }
        Run r = new Run(p.exitValue(), Files.readString(out));
        Files.delete(out);
        return r;
    }

    /**
     * Copies {@code files} (with {@code package.json} and {@code package-lock.json}) from {@code source} into {@code target} and runs
     * {@code npm ci} there unless the installed lock file is already this one.
     */
    public static void install(Path source, Path target, String... files) throws IOException, InterruptedException {
        Files.createDirectories(target);
        Path lock = source.resolve("package-lock.json");
        boolean fresh = Files.exists(target.resolve("node_modules/.package-lock.json"))
                && Files.exists(target.resolve("package-lock.json")) && Files.mismatch(lock, target.resolve("package-lock.json")) == -1;
        Files.copy(source.resolve("package.json"), target.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(lock, target.resolve("package-lock.json"), StandardCopyOption.REPLACE_EXISTING);
        for (String f : files) {
            Files.copy(source.resolve(f), target.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!fresh) {
            Run ci = run(target, "npm", "ci", "--no-audit", "--no-fund");
            assertEquals(0, ci.exit(), "npm ci in " + target + ":\n" + ci.output());
        }
    }
}
