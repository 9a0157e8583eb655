package dev.sealer.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package structure of {@code src/main/java}, read from the sources: which {@code dev.sealer}
 * packages a package uses (its imports, static imports and fully qualified names in code), and
 * what the pure core imports. No library: the import lines are the dependency graph.
 */
class PackageDependencyTest {
    private static final Path MAIN = Path.of("src/main/java");
    /** What the pure core must not use: the framework, CDI/Jakarta, JDBC, gRPC. */
    private static final List<String> FORBIDDEN_IN_CORE = List.of("io.quarkus", "jakarta", "java.sql", "javax.sql", "io.grpc");

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)(\\.\\*)?\\s*;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(dev\\.sealer(?:\\.[a-z_][\\w]*)*)\\.[A-Z]\\w*");
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    /** One Java source: its package and every type or package name it refers to outside comments. */
    record Source(String file, String pkg, List<String> imports, List<String> referencedPackages) {
    }

    @Test
    void noTwoPackagesOfDevSealerDependOnEachOtherInACycle() {
        List<Source> sources = read(MAIN);
        assertTrue(sources.size() > 50, "found the main sources (" + sources.size() + " files under " + MAIN.toAbsolutePath() + ")");
        Map<String, Map<String, Set<String>>> graph = graph(sources);
        List<Set<String>> cycles = cycles(graph);
        assertTrue(cycles.isEmpty(), () -> describe(cycles, graph));
    }

    @Test
    void coreImportsNothingFromQuarkusJakartaJdbcOrGrpc() {
        List<String> violations = new ArrayList<>();
        for (Source s : read(MAIN)) {
            if (!s.pkg().equals("dev.sealer.core") && !s.pkg().startsWith("dev.sealer.core.")) {
                continue;
            }
            for (String name : s.imports()) {
                for (String forbidden : FORBIDDEN_IN_CORE) {
                    if (name.equals(forbidden) || name.startsWith(forbidden + ".")) {
                        violations.add(s.file() + " imports " + name);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    /**
     * Storage sits behind the application's own interfaces ({@code app.storage}): the handlers
     * and the application rooms never name the JDBC implementation; only the composition root
     * ({@code dev.sealer.app}: wiring and migrations) and the offline command line do.
     */
    @Test
    void onlyTheCompositionRootAndTheCommandLineUseTheJdbcStore() {
        Set<String> allowed = Set.of("dev.sealer.app", "dev.sealer.cli", "dev.sealer.store");
        List<String> violations = new ArrayList<>();
        for (Source s : read(MAIN)) {
            if (!allowed.contains(s.pkg()) && s.referencedPackages().stream().anyMatch(p -> p.equals("dev.sealer.store"))) {
                violations.add(s.file());
            }
        }
        assertEquals(List.of(), violations);
    }

    /** The detector itself: a known cyclic set of sources is reported, an acyclic one is not. */
    @Test
    void cycleDetectorReportsAThreePackageCycleAndNothingForATree() {
        List<Source> cyclic = List.of(
                source("dev.sealer.a", "import dev.sealer.b.B;"),
                source("dev.sealer.b", "class B { dev.sealer.c.C c; }"),
                source("dev.sealer.c", "import static dev.sealer.a.A.f;"),
                source("dev.sealer.d", "import dev.sealer.a.A;"));
        assertEquals(List.of(Set.of("dev.sealer.a", "dev.sealer.b", "dev.sealer.c")), cycles(graph(cyclic)));
        List<Source> tree = List.of(
                source("dev.sealer.a", "import dev.sealer.b.B; import dev.sealer.c.*;"),
                source("dev.sealer.b", "import dev.sealer.c.C; /* dev.sealer.a.A in a comment is no dependency */"),
                source("dev.sealer.c", "// import dev.sealer.a.A;"));
        assertEquals(List.of(), cycles(graph(tree)));
    }

    private static Source source(String pkg, String body) {
        return parse(pkg.replace('.', '/') + "/X.java", "package " + pkg + ";\n" + body.replace("; ", ";\n") + "\n");
    }

    static List<Source> read(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().map(p -> {
                try {
                    return parse(root.relativize(p).toString(), Files.readString(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Source parse(String file, String text) {
        String code = COMMENTS.matcher(text).replaceAll(" ");
        Matcher p = PACKAGE.matcher(code);
        String pkg = p.find() ? p.group(1) : "";
        List<String> imports = new ArrayList<>();
        List<String> packages = new ArrayList<>();
        Matcher i = IMPORT.matcher(code);
        while (i.find()) {
            imports.add(i.group(1));
            packages.add(i.group(2) != null && !Character.isUpperCase(lastSegment(i.group(1)).charAt(0)) ? i.group(1) : packageOf(i.group(1)));
        }
        Matcher q = QUALIFIED.matcher(IMPORT.matcher(code).replaceAll(" "));
        while (q.find()) {
            packages.add(q.group(1));
        }
        return new Source(file, pkg, imports, packages);
    }

    /** The package part of a qualified name: the segments before the first one that starts with a capital. */
    private static String packageOf(String name) {
        String[] parts = name.split("\\.");
        StringBuilder b = new StringBuilder();
        for (String part : parts) {
            if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
                break;
            }
            b.append(b.isEmpty() ? "" : ".").append(part);
        }
        return b.toString();
    }

    private static String lastSegment(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** package -> used dev.sealer package -> the files that use it. */
    static Map<String, Map<String, Set<String>>> graph(List<Source> sources) {
        Map<String, Map<String, Set<String>>> g = new TreeMap<>();
        for (Source s : sources) {
            g.computeIfAbsent(s.pkg(), k -> new TreeMap<>());
            for (String used : s.referencedPackages()) {
                if (used.startsWith("dev.sealer") && !used.equals(s.pkg())) {
                    g.get(s.pkg()).computeIfAbsent(used, k -> new TreeSet<>()).add(s.file());
                    g.computeIfAbsent(used, k -> new TreeMap<>());
                }
            }
        }
        return g;
    }

    /** Strongly connected components with more than one package (Tarjan), in a stable order. */
    static List<Set<String>> cycles(Map<String, Map<String, Set<String>>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        out.sort(java.util.Comparator.comparing(c -> c.iterator().next()));
        return out;
    }

    private static void strongConnect(String v, Map<String, Map<String, Set<String>>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : graph.get(v).keySet()) {
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }

    private static String describe(List<Set<String>> cycles, Map<String, Map<String, Set<String>>> graph) {
        StringBuilder b = new StringBuilder("package cycles in src/main/java:");
        for (Set<String> c : cycles) {
            b.append("\n  cycle ").append(c);
            for (String from : c) {
                graph.get(from).forEach((to, files) -> {
                    if (c.contains(to)) {
                        b.append("\n    ").append(from).append(" -> ").append(to).append(" in ").append(files);
                    }
                });
            }
        }
        return b.toString();
    }
}
