package dev.sealer.tsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sealer.app.tsa.SerialBlocks;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.tsa.TimestampTrust;
import dev.sealer.core.tsa.TimestampVerifier;
import dev.sealer.core.tsa.TsaPolicy;
import dev.sealer.grpc.v1.Digest;
import dev.sealer.grpc.v1.DigestAlgorithm;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.TimestampRequest;
import dev.sealer.grpc.v1.TimestampResponse;
import dev.sealer.grpc.v1.TimestampServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.Test;

/** The built-in RFC 3161 TSA over gRPC and over the HTTP transport, with the real OpenSSL client. */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class TimestampServiceTest {
    @GrpcClient
    TimestampServiceGrpc.TimestampServiceBlockingStub tsa;
    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;
    @TestHTTPResource("/tsa")
    URL http;
    @Inject
    dev.sealer.app.storage.Storage storage;

    TrustBundle trust() {
        return TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson());
    }

    static Digest sha256(String text) {
        return Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(ByteString.copyFrom(Grpc.sha256(text))).build();
    }

    @Test
    void grpcTimestamp_digestIn_tokenOut_verifiesUnderTheTrustBundle() {
        Instant before = Instant.now().minusSeconds(1);
        TimestampResponse r = tsa.timestamp(TimestampRequest.newBuilder().setDigest(sha256("model weights v1")).setCertReq(true)
                .setNonce(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})).build());
        TrustBundle trust = trust();
        assertEquals(1, trust.timestampAuthorities().size(), "the built-in TSA is in the trust bundle");
        TimestampTrust builtin = trust.timestampAuthorities().getFirst();
        assertTrue(builtin.rootIssued());
        var v = TimestampVerifier.verify(r.getToken().toByteArray(), NISTObjectIdentifiers.id_sha256, Grpc.sha256("model weights v1"),
                trust.timestampAuthorities(), trust.root().ecdsaP256());
        assertTrue(!v.genTime().isBefore(before) && !v.genTime().isAfter(Instant.now().plusSeconds(1)), v.genTime().toString());
        assertEquals(TsaPolicy.DEFAULT_POLICY_OID, v.policy());
        assertEquals(TsaPolicy.DEFAULT_POLICY_OID, r.getPolicy());
        assertEquals(v.serial().toString(), r.getSerialNumber());
        // another digest does not match the token
        assertThrows(dev.sealer.core.tsa.TimestampException.class, () -> TimestampVerifier.verify(r.getToken().toByteArray(),
                NISTObjectIdentifiers.id_sha256, Grpc.sha256("model weights v2"), trust.timestampAuthorities(), trust.root().ecdsaP256()));
        // serials grow
        TimestampResponse r2 = tsa.timestamp(TimestampRequest.newBuilder().setDigest(sha256("model weights v1")).build());
        assertTrue(new BigInteger(r2.getSerialNumber()).compareTo(new BigInteger(r.getSerialNumber())) > 0);
        // without certReq the token carries no certificate, and still verifies from the bundle's copy
        TimestampVerifier.verify(r2.getToken().toByteArray(), NISTObjectIdentifiers.id_sha256, Grpc.sha256("model weights v1"),
                trust.timestampAuthorities(), trust.root().ecdsaP256());
    }

    @Test
    void grpcTimestamp_badInput_isInvalidArgumentWithAReason() {
        var wrongLength = Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(ByteString.copyFrom(new byte[31])).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> tsa.timestamp(TimestampRequest.newBuilder().setDigest(wrongLength).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(e));
        assertEquals("INVALID_DIGEST", Grpc.reason(e));
        e = assertThrows(StatusRuntimeException.class, () -> tsa.timestamp(TimestampRequest.getDefaultInstance()));
        assertEquals("INVALID_DIGEST", Grpc.reason(e));
        e = assertThrows(StatusRuntimeException.class, () -> tsa.timestamp(TimestampRequest.newBuilder().setDigest(sha256("x"))
                .setNonce(ByteString.copyFrom(new byte[33])).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(e));
        assertEquals("INVALID_ARGUMENT", Grpc.reason(e));
        var unspecified = Digest.newBuilder().setValue(ByteString.copyFrom(new byte[32])).build();
        e = assertThrows(StatusRuntimeException.class, () -> tsa.timestamp(TimestampRequest.newBuilder().setDigest(unspecified).build()));
        assertEquals("INVALID_DIGEST", Grpc.reason(e));
    }

    /** The real OpenSSL client: openssl ts -query, curl --data-binary to POST /tsa, openssl ts -verify with the root and the TSA certificate. */
    @Test
    void openssl_queryCurlVerify_succeeds_andFailsForAChangedDigest() throws Exception {
        Path dir = Files.createTempDirectory("sealer-tsa-openssl-");
        TimestampTrust builtin = trust().timestampAuthorities().getFirst();
        Files.writeString(dir.resolve("root.pem"), TimestampTrust.pem(builtin.anchors().getFirst()));
        Files.writeString(dir.resolve("tsa.pem"), TimestampTrust.pem(builtin.certificates().getFirst()));
        Files.writeString(dir.resolve("artifact.bin"), "the artifact the client hashes itself\n");
        Files.writeString(dir.resolve("other.bin"), "a different artifact\n");

        run(dir, "openssl", "ts", "-query", "-data", "artifact.bin", "-sha256", "-cert", "-out", "request.tsq");
        Result curl = run(dir, "curl", "-sS", "--fail", "-H", "Content-Type: application/timestamp-query", "--data-binary", "@request.tsq",
                "-o", "reply.tsr", "-w", "%{http_code} %{content_type}", http.toString());
        assertEquals("200 application/timestamp-reply", curl.out().strip());
        Result text = run(dir, "openssl", "ts", "-reply", "-in", "reply.tsr", "-text");
        assertTrue(text.out().contains("Status: Granted."), text.out());
        assertTrue(text.out().contains("Policy OID: " + TsaPolicy.DEFAULT_POLICY_OID), text.out());
        assertTrue(text.out().contains("Nonce: 0x"), text.out());

        Result ok = run(dir, "openssl", "ts", "-verify", "-in", "reply.tsr", "-queryfile", "request.tsq", "-CAfile", "root.pem", "-untrusted", "tsa.pem");
        assertEquals(0, ok.rc(), ok.out());
        assertTrue(ok.out().contains("Verification: OK"), ok.out());
        Result ok2 = run(dir, "openssl", "ts", "-verify", "-in", "reply.tsr", "-data", "artifact.bin", "-CAfile", "root.pem", "-untrusted", "tsa.pem");
        assertEquals(0, ok2.rc(), ok2.out());

        Result changed = runAllowingFailure(dir, "openssl", "ts", "-verify", "-in", "reply.tsr", "-data", "other.bin", "-CAfile", "root.pem",
                "-untrusted", "tsa.pem");
        assertNotEquals(0, changed.rc(), changed.out());
        assertTrue(changed.out().contains("Verification: FAILED") && changed.out().contains("message imprint mismatch"), changed.out());
        // a root that is not ours does not verify it either
        Result foreignRoot = runAllowingFailure(dir, "openssl", "ts", "-verify", "-in", "reply.tsr", "-data", "artifact.bin", "-CAfile", "tsa.pem");
        assertNotEquals(0, foreignRoot.rc(), foreignRoot.out());
    }

    @Test
    void http_badRequests_getARejectionWithItsFailureInfo() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<byte[]> garbage = post(client, "application/timestamp-query", "not DER".getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, garbage.statusCode());
        assertEquals("application/timestamp-reply", garbage.headers().firstValue("Content-Type").orElse(""));
        TimeStampResponse r = new TimeStampResponse(garbage.body());
        assertEquals(PKIStatus.REJECTION, r.getStatus());
        assertEquals(PKIFailureInfo.badDataFormat, r.getFailInfo().intValue());

        TimeStampRequestGenerator gen = new TimeStampRequestGenerator();
        byte[] md5 = gen.generate(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.840.113549.2.5"), new byte[16]).getEncoded();
        r = new TimeStampResponse(post(client, "application/timestamp-query", md5).body());
        assertEquals(PKIStatus.REJECTION, r.getStatus());
        assertEquals(PKIFailureInfo.badAlg, r.getFailInfo().intValue());

        byte[] shortDigest = gen.generate(NISTObjectIdentifiers.id_sha256, new byte[20]).getEncoded();
        r = new TimeStampResponse(post(client, "application/timestamp-query", shortDigest).body());
        assertEquals(PKIFailureInfo.badDataFormat, r.getFailInfo().intValue());

        TimeStampRequestGenerator withPolicy = new TimeStampRequestGenerator();
        withPolicy.setReqPolicy(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.3.4"));
        r = new TimeStampResponse(post(client, "application/timestamp-query", withPolicy.generate(NISTObjectIdentifiers.id_sha256, new byte[32]).getEncoded()).body());
        assertEquals(PKIStatus.REJECTION, r.getStatus());
        assertEquals(PKIFailureInfo.unacceptedPolicy, r.getFailInfo().intValue());

        assertEquals(415, post(client, "application/octet-stream", shortDigest).statusCode());
        assertEquals(413, post(client, "application/timestamp-query", new byte[5000]).statusCode());
    }

    /** Serials: two instances on one database and a restarted one never issue the same number; each instance's serials grow. */
    @Test
    void serialBlocks_twoInstancesAndARestart_neverRepeat_andGrow() {
        SerialBlocks a = new SerialBlocks(storage);
        SerialBlocks b = new SerialBlocks(storage);
        Set<BigInteger> seen = new HashSet<>();
        List<BigInteger> fromA = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            BigInteger x = a.get();
            BigInteger y = b.get();
            assertTrue(seen.add(x) && seen.add(y), "serial issued twice");
            fromA.add(x);
        }
        for (int i = 1; i < fromA.size(); i++) {
            assertTrue(fromA.get(i).compareTo(fromA.get(i - 1)) > 0);
        }
        BigInteger highest = seen.stream().max(BigInteger::compareTo).orElseThrow();
        SerialBlocks restarted = new SerialBlocks(storage); // a new process takes a fresh block
        BigInteger first = restarted.get();
        assertTrue(first.compareTo(highest) > 0, "after a restart serials continue above every earlier one");
        assertTrue(seen.add(first));
    }

    private HttpResponse<byte[]> post(HttpClient client, String type, byte[] body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(http.toString())).timeout(Duration.ofSeconds(10)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    record Result(int rc, String out) {
    }

    static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Result r = runAllowingFailure(dir, command);
        assertEquals(0, r.rc(), String.join(" ", command) + ": " + r.out());
        return r;
    }

    static Result runAllowingFailure(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

}
