package dev.sealer.examples;

import com.google.protobuf.ByteString;
import dev.sealer.grpc.v1.Digest;
import dev.sealer.grpc.v1.DigestAlgorithm;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.Stage;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Seals one file with Sealer from Java (grpc-java with grpc-netty), over mutual TLS:
 *
 * <pre>
 * SealClientExample HOST:PORT FILE --ca work/tls/ca.crt --cert work/tls/sealer.crt --key work/tls/sealer.key [--anchored]
 * </pre>
 *
 * It hashes the file (SHA-256; the artifact never leaves the machine), seals the digest with a
 * request id derived from the file name and digest (so a retry returns the same seal), writes the
 * seal bundle to {@code FILE.seal.json} and prints the seal id. Without {@code --ca} the channel is
 * plaintext (only for a service started with {@code sealer.auth.plaintext=true}). Compiled by the
 * build (the pom adds {@code clients/java/src/main/java} to the test sources) and run against the
 * test service by {@code SealClientExampleTest}.
 */
public final class SealClientExample {
    private SealClientExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SealClientExample HOST:PORT FILE [--ca CA.pem --cert CERT.pem --key KEY.pem] [--anchored]");
            System.exit(1);
        }
        SealResponse sealed = seal(args);
        System.out.println("sealed " + args[1] + " seal=" + sealed.getSeal().getSealId() + " suite=" + sealed.getSeal().getSuiteId()
                + (sealed.getReplayed() ? " (replayed)" : "") + (sealed.hasAnchor() ? " anchored in checkpoint " + sealed.getAnchor().getTreeSize() : ""));
    }

    /** Parses the arguments of {@link #main}, seals the file and writes its bundle; returns the answer. */
    public static SealResponse seal(String... args) throws IOException, InterruptedException {
        String[] hostPort = args[0].split(":", 2);
        Path file = Path.of(args[1]);
        String ca = null, cert = null, key = null;
        boolean anchored = false;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--ca" -> ca = args[++i];
                case "--cert" -> cert = args[++i];
                case "--key" -> key = args[++i];
                case "--anchored" -> anchored = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        if (ca != null) {
            var tls = GrpcSslContexts.forClient().trustManager(new File(ca));
            if (cert != null) {
                tls.keyManager(new File(cert), new File(key)); // the client certificate carries the caller's role
            }
            builder.sslContext(tls.build());
        } else {
            builder.usePlaintext();
        }
        ManagedChannel channel = builder.build();
        try {
            byte[] digest = sha256(file);
            SealRequest request = SealRequest.newBuilder()
                    .setRequestId("java-" + HexFormat.of().formatHex(sha256((file.toAbsolutePath() + "\n" + HexFormat.of().formatHex(digest)).getBytes()), 0, 20))
                    .setDigest(Digest.newBuilder().setAlgorithm(DigestAlgorithm.SHA_256).setValue(ByteString.copyFrom(digest)))
                    .setSubject(file.getFileName().toString())
                    .setStage(Stage.TRAINING)
                    .putLabels("client", "java-example")
                    .setMode(anchored ? SealMode.ANCHORED : SealMode.SIGNED)
                    .build();
            SealResponse sealed = SealServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).seal(request);
            Files.writeString(Path.of(file + ".seal.json"), sealed.getSealBundleJson()); // for `sealer cli verify` offline
            return sealed;
        } finally {
            channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    private static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
