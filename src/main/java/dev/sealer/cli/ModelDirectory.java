package dev.sealer.cli;

import dev.sealer.core.format.OmsStatement;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A model directory on disk, hashed the way OMS v1.0 does (method {@code files}, SHA-256; docs/formats.md
 * §2.1) and compared with a statement's resources. The file-system side of {@link OmsStatement}, whose rules (names,
 * their order, which paths are ignored) it applies; used by {@code sealer model} and {@code sealer verify --model-sig}.
 */
public final class ModelDirectory {
    /** OMS's git paths, ignored by default. */
    public static final List<String> GIT_PATHS = List.of(".git", ".gitattributes", ".github", ".gitignore");

    private ModelDirectory() {
    }

    /** A directory that cannot be hashed as OMS hashes it (a symbolic link not allowed, a special file, an unreadable path). */
    public static final class HashingException extends IOException {
        public HashingException(String message) {
            super(message);
        }
    }

    /** What a directory holds against a statement: files whose digest differs, files not in it, resources without a file. */
    public record Comparison(List<String> changed, List<String> added, List<String> removed) {
        public boolean matches() {
            return changed.isEmpty() && added.isEmpty() && removed.isEmpty();
        }
    }

    /**
     * The statement of {@code dir}: every regular file not under an ignored path (the git paths and
     * {@code ignore}, relative to {@code dir}), named by its {@code /}-separated relative path.
     */
    public static OmsStatement hash(Path dir, Collection<String> ignore, boolean allowSymlinks) throws IOException {
        TreeSet<String> ignored = new TreeSet<>(GIT_PATHS);
        for (String p : ignore) {
            ignored.add(normalise(p));
        }
        Map<String, byte[]> files = files(dir, ignored, allowSymlinks);
        List<OmsStatement.Resource> resources = new ArrayList<>(files.size());
        files.forEach((name, digest) -> resources.add(new OmsStatement.Resource(name, digest)));
        Path abs = dir.toAbsolutePath().normalize();
        String name = abs.getFileName() == null ? "model" : abs.getFileName().toString();
        return new OmsStatement(name, allowSymlinks, List.copyOf(ignored), resources);
    }

    /** {@code dir} against {@code statement}, hashed with the statement's own ignore paths and symlink rule. */
    public static Comparison compare(OmsStatement statement, Path dir) throws IOException {
        Map<String, byte[]> actual = files(dir, new TreeSet<>(statement.ignorePaths()), statement.allowSymlinks());
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (OmsStatement.Resource r : statement.resources()) {
            byte[] got = actual.remove(r.name());
            if (got == null) {
                removed.add(r.name());
            } else if (!MessageDigest.isEqual(got, r.sha256())) {
                changed.add(r.name());
            }
        }
        return new Comparison(changed, new ArrayList<>(actual.keySet()), removed);
    }

    /** Relative name → SHA-256, in OMS order. */
    private static Map<String, byte[]> files(Path dir, TreeSet<String> ignored, boolean allowSymlinks) throws IOException {
        BasicFileAttributes top = Files.readAttributes(dir, BasicFileAttributes.class);
        if (!top.isDirectory()) {
            throw new HashingException(dir + " is not a directory");
        }
        TreeSet<String> names = new TreeSet<>(OmsStatement.NAME_ORDER);
        Map<String, Path> paths = new LinkedHashMap<>();
        walk(dir, "", ignored, allowSymlinks, names, paths);
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, sha256(paths.get(n)));
        }
        return out;
    }

    private static void walk(Path dir, String prefix, TreeSet<String> ignored, boolean allowSymlinks, TreeSet<String> names,
            Map<String, Path> paths) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = prefix + p.getFileName().toString();
                if (OmsStatement.ignores(ignored, name)) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink()) {
                    if (!allowSymlinks) {
                        throw new HashingException("'" + name + "' is a symbolic link (allow symbolic links to hash its target)");
                    }
                    if (!Files.exists(p)) {
                        throw new HashingException("'" + name + "' is a broken symbolic link");
                    }
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isDirectory()) {
                        throw new HashingException("'" + name + "' is a symbolic link to a directory (only links to files are hashed)");
                    }
                }
                if (a.isDirectory()) {
                    walk(p, name + "/", ignored, allowSymlinks, names, paths);
                } else if (a.isRegularFile()) {
                    OmsStatement.checkName(name, "file");
                    names.add(name);
                    paths.put(name, p);
                } else {
                    throw new HashingException("'" + name + "' is neither a regular file nor a directory");
                }
            }
        }
    }

    private static String normalise(String p) {
        String s = p.replace('\\', '/');
        while (s.startsWith("./")) {
            s = s.substring(2);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("an ignore path must name something inside the model directory");
        }
        return s;
    }

    private static byte[] sha256(Path p) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
