package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.cli.SealerCli;
import dev.sealer.examples.SealClientExample;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.testing.SealerTestResource;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Java client example of clients/java against the test service: it seals, a retry replays, its bundle verifies offline. */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class SealClientExampleTest {
    private static final String TARGET = "localhost:"
            + ConfigProvider.getConfig().getOptionalValue("quarkus.grpc.server.test-port", Integer.class).orElse(9001);

    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;

    @Test
    void example_sealsSignedAndAnchored_retryReplays_bundleVerifiesOffline(@TempDir Path dir) throws Exception {
        Path weights = Files.writeString(dir.resolve("weights.bin"), "weights " + System.nanoTime());
        SealResponse signed = SealClientExample.seal(TARGET, weights.toString());
        assertTrue(!signed.getReplayed() && !signed.getSeal().getEd25519Signature().isEmpty());
        SealResponse again = SealClientExample.seal(TARGET, weights.toString());
        assertTrue(again.getReplayed());
        assertEquals(signed.getSeal().getSealId(), again.getSeal().getSealId());

        Path eval = Files.writeString(dir.resolve("eval.json"), "{\"accuracy\":\"0.91\"}");
        SealResponse anchored = SealClientExample.seal(TARGET, eval.toString(), "--anchored");
        assertTrue(anchored.hasAnchor() && anchored.getSeal().getEd25519Signature().isEmpty());

        Path trust = Files.writeString(dir.resolve("trust.json"), keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
        for (Path f : new Path[] {weights, eval}) {
            StringWriter out = new StringWriter();
            CommandLine cli = SealerCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(out, true));
            int exit = cli.execute("verify", "--seal", f + ".seal.json", "--trust-bundle", trust.toString(), "--file", f.toString());
            assertEquals(0, exit, out.toString());
            assertTrue(out.toString().startsWith("VALID"), out.toString());
        }
    }
}
