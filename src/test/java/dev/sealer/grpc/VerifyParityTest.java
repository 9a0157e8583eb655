package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.sealer.cli.SealerCli;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's Verify RPC and the offline {@code sealer verify} give the same reason for the same
 * defective bundle: both read it with {@code SealBundle.parse} and judge it with {@code SealVerifier}.
 */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class VerifyParityTest {
    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;

    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;

    record Case(String name, String bundleJson, String expected) {
    }

    @Test
    void defectiveBundles_getTheSameReasonFromTheVerifyRpcAndFromSealerVerify(@TempDir Path dir) throws Exception {
        String signed = seals.seal(Grpc.request("parity-signed").build()).getSealBundleJson();
        SealResponse anchoredSeal = seals.seal(Grpc.request("parity-anchored").setMode(SealMode.ANCHORED).build());
        String anchored = anchoredSeal.getSealBundleJson();
        Path trust = Files.writeString(dir.resolve("trust.json"), keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());

        String zeroHash = Base64.getEncoder().encodeToString(new byte[32]);
        List<Case> cases = List.of(
                new Case("intact signed bundle", signed, "VALID"),
                new Case("intact anchored bundle", anchored, "VALID"),
                new Case("truncated JSON", signed.substring(0, signed.length() / 2), "MALFORMED_BUNDLE"),
                new Case("not JSON at all", "seal of approval", "MALFORMED_BUNDLE"),
                new Case("another format", edit(signed, m -> put(m, "format", "sealer-seal-bundle/v0")), "MALFORMED_BUNDLE"),
                new Case("wrong type: receipt version is a string", edit(signed, m -> receipt(m, r -> put(r, "v", "1"))), "MALFORMED_BUNDLE"),
                new Case("wrong type: signatures is an array", edit(signed, m -> put(m, "signatures", List.of())), "MALFORMED_BUNDLE"),
                new Case("wrong type: leaf_index is a string", edit(anchored, m -> put(m, "anchor", put(obj(m, "anchor"), "leaf_index", "0"))), "MALFORMED_BUNDLE"),
                new Case("bad base64 ed25519 signature", edit(signed, m -> put(m, "signatures", put(obj(m, "signatures"), "ed25519", "***not base64***"))), "MALFORMED_BUNDLE"),
                new Case("bad base64 inclusion proof", edit(anchored, m -> put(m, "anchor", put(obj(m, "anchor"), "inclusion_proof", List.of("%%%")))), "MALFORMED_BUNDLE"),
                new Case("unknown receipt field", edit(signed, m -> receipt(m, r -> put(r, "extra", "x"))), "MALFORMED_BUNDLE"),
                new Case("receipt digest not hex", edit(signed, m -> receipt(m, r -> put(r, "digest",
                        Map.of("algorithm", "sha-256", "value", "zz".repeat(32))))), "MALFORMED_BUNDLE"),
                new Case("receipt bytes not base64", edit(signed, m -> put(m, "receipt", "{not base64}")), "MALFORMED_BUNDLE"),
                new Case("receipt bytes not canonical (a space before them)", edit(signed, m -> put(m, "receipt",
                        Base64.getEncoder().encodeToString((" " + receiptText(m)).getBytes(java.nio.charset.StandardCharsets.UTF_8)))), "MALFORMED_BUNDLE"),
                new Case("receipt as a JSON object in a v2 bundle", edit(signed, m -> put(m, "receipt", Json.parseObject(receiptText(m)))), "MALFORMED_BUNDLE"),
                new Case("v1 bundle (receipt as a JSON object) made from the same seal", toV1(signed), "VALID"),
                new Case("v1 anchored bundle made from the same seal", toV1(anchored), "VALID"),
                new Case("v1 bundle with a tampered receipt subject", edit(toV1(signed), m -> put(m, "receipt",
                        put(new LinkedHashMap<>(Json.object(m, "receipt")), "subject", "models/forged"))), "SIGNATURE_INVALID"),
                new Case("unknown suite", edit(signed, m -> receipt(m, r -> put(r, "suite_id", "suite-20990101-deadbeef"))), "UNKNOWN_SUITE"),
                new Case("tampered receipt subject", edit(signed, m -> receipt(m, r -> put(r, "subject", "models/forged"))), "SIGNATURE_INVALID"),
                new Case("ml-dsa signature stripped", edit(signed, m -> {
                    Map<String, Object> sigs = obj(m, "signatures");
                    sigs.remove("ml-dsa");
                    return put(m, "signatures", sigs);
                }), "SIGNATURE_INVALID"),
                new Case("ed25519 signature of another receipt", edit(signed, m -> put(m, "signatures", put(obj(m, "signatures"), "ed25519",
                        Base64.getEncoder().encodeToString(new byte[64])))), "SIGNATURE_INVALID"),
                new Case("inclusion proof leads elsewhere", edit(anchored, m -> {
                    Map<String, Object> a = obj(m, "anchor");
                    List<Object> proof = new ArrayList<>(Json.array(a, "inclusion_proof"));
                    proof.replaceAll(h -> zeroHash);
                    proof.add(zeroHash);
                    return put(m, "anchor", put(a, "inclusion_proof", proof));
                }), "MERKLE_PROOF_INVALID"));

        List<String> expected = new ArrayList<>();
        List<String> service = new ArrayList<>();
        List<String> offline = new ArrayList<>();
        int i = 0;
        for (Case c : cases) {
            Path file = Files.writeString(dir.resolve("case-" + i++ + ".json"), c.bundleJson());
            expected.add(c.name() + ": " + c.expected());
            service.add(c.name() + ": " + serviceAnswer(VerifyRequest.newBuilder().setSealBundleJson(c.bundleJson()).build()));
            offline.add(c.name() + ": " + offlineAnswer(file, trust));
        }
        assertEquals(expected, offline, "sealer verify");
        assertEquals(expected, service, "Verify RPC");
    }

    @Test
    void receiptJsonThatIsNotACanonicalReceipt_isInvalidMalformedBundle_likeTheSameDefectInABundle(@TempDir Path dir) throws Exception {
        SealRecord seal = seals.seal(Grpc.request("parity-record").build()).getSeal();
        String receipt = seal.getReceiptJson().toStringUtf8();
        for (String bad : List.of(receipt.substring(0, receipt.length() - 1), receipt.replace("\"v\":1", "\"v\":\"1\""), " " + receipt)) {
            VerifyRequest request = VerifyRequest.newBuilder().setSeal(seal.toBuilder().setReceiptJson(ByteString.copyFromUtf8(bad))).build();
            assertEquals("MALFORMED_BUNDLE", serviceAnswer(request), bad);
        }
    }

    private String serviceAnswer(VerifyRequest request) {
        try {
            VerifyResponse r = seals.verify(request);
            return r.getVerdict() == dev.sealer.grpc.v1.Verdict.VALID ? "VALID" : r.getReason();
        } catch (StatusRuntimeException e) {
            return "RPC error " + e.getStatus().getCode() + " " + Grpc.reason(e);
        }
    }

    private static String offlineAnswer(Path bundle, Path trust) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = SealerCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("verify", "--seal", bundle.toString(), "--trust-bundle", trust.toString());
        String text = out.toString().strip();
        if (exit == 0 && text.startsWith("VALID")) {
            return "VALID";
        }
        if (exit == 2 && text.startsWith("INVALID ")) {
            return text.substring("INVALID ".length(), text.indexOf(':'));
        }
        return "exit " + exit + " " + text + err;
    }

    private static String edit(String bundleJson, UnaryOperator<Map<String, Object>> change) {
        return CanonicalJson.writeString(change.apply(new LinkedHashMap<>(Json.parseObject(bundleJson))));
    }

    /** The bundle's receipt bytes (base64 in a v2 bundle) as text. */
    private static String receiptText(Map<String, Object> bundle) {
        return new String(Base64.getDecoder().decode(Json.string(bundle, "receipt")), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Edits the receipt inside a v2 bundle and writes it back as canonical bytes (so only the edit differs). */
    private static Map<String, Object> receipt(Map<String, Object> bundle, UnaryOperator<Map<String, Object>> change) {
        Map<String, Object> r = change.apply(new LinkedHashMap<>(Json.parseObject(receiptText(bundle))));
        return put(bundle, "receipt", Base64.getEncoder().encodeToString(CanonicalJson.write(r)));
    }

    /** The same seal as a v1 bundle, as the service handed them out before v2: the receipt as a JSON object. */
    private static String toV1(String v2Bundle) {
        return edit(v2Bundle, m -> {
            Map<String, Object> r = Json.parseObject(receiptText(m));
            put(m, "format", "sealer-seal-bundle/v1");
            return put(m, "receipt", r);
        });
    }

    private static Map<String, Object> obj(Map<String, Object> m, String key) {
        return new LinkedHashMap<>(Json.object(m, key));
    }

    private static Map<String, Object> put(Map<String, Object> m, String key, Object value) {
        m.put(key, value);
        return m;
    }
}
