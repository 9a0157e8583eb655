package dev.sealer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** A SoftHSM2 token store as files: where it is, copying it, and its sha256sum manifest. */
final class TokenFiles {
    private TokenFiles() {
    }

    /** {@code directories.tokendir} of a SoftHSM2 configuration file. */
    static Path tokenDir(Path conf) throws IOException {
        for (String line : Files.readAllLines(conf)) {
            String l = line.strip();
            if (l.startsWith("directories.tokendir")) {
                int eq = l.indexOf('=');
                if (eq > 0) {
                    return Path.of(l.substring(eq + 1).strip());
                }
            }
        }
        throw new IOException(conf + " has no directories.tokendir");
    }

    /** Copies every regular file under {@code from} to {@code to} (mode 0600, directories 0700); returns the manifest lines. */
    static List<String> copyTree(Path from, Path to) throws IOException {
        List<String> manifest = new ArrayList<>();
        Files.createDirectories(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.sorted().toList()) {
                Path rel = from.relativize(p);
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    if (!Files.exists(target)) {
                        Files.createDirectory(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    }
                } else if (Files.isRegularFile(p)) {
                    byte[] bytes = Files.readAllBytes(p);
                    Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(target, bytes);
                    manifest.add(sha256(bytes) + "  tokens/" + rel);
                }
            }
        }
        return manifest;
    }

    /** The manifest lines whose file under {@code dir} is missing or has another SHA-256. */
    static List<String> check(Path dir, List<String> manifest) throws IOException {
        List<String> bad = new ArrayList<>();
        for (String line : manifest) {
            int sep = line.indexOf("  ");
            Path f = dir.resolve(line.substring(sep + 2));
            if (!Files.isRegularFile(f) || !MessageDigest.isEqual(sha256(Files.readAllBytes(f)).getBytes(), line.substring(0, sep).getBytes())) {
                bad.add(line.substring(sep + 2));
            }
        }
        return bad;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
