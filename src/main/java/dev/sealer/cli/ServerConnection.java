package dev.sealer.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The connection options of the commands that talk to a running Sealer (mutual TLS, or plaintext for a service that allows it). */
public final class ServerConnection {
    @Option(names = "--server", defaultValue = "localhost:9000", paramLabel = "HOST:PORT", description = "gRPC address (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--ca", paramLabel = "PEM", description = "CA certificate of the server (mutual TLS)")
    Path ca;

    @Option(names = "--cert", paramLabel = "PEM", description = "client certificate (its role must be allowed to call the method)")
    Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "its private key (PKCS#8)")
    Path key;

    @Option(names = "--plaintext", description = "no TLS (only a service started with sealer.auth.plaintext=true accepts it)")
    boolean plaintext;

    ManagedChannel channel() throws Exception {
        NettyChannelBuilder b = NettyChannelBuilder.forTarget(server);
        if (plaintext) {
            return b.usePlaintext().build();
        }
        if (ca == null || cert == null || key == null) {
            throw new IllegalArgumentException("give --ca, --cert and --key (mutual TLS), or --plaintext");
        }
        return b.sslContext(GrpcSslContexts.forClient().trustManager(ca.toFile()).keyManager(cert.toFile(), key.toFile()).build()).build();
    }

    /** The status code, the ErrorInfo reason and the description of a refused call, on one line. */
    static String describe(StatusRuntimeException e) {
        return e.getStatus().getCode() + " " + reasonOf(e) + ": " + e.getStatus().getDescription();
    }

    static String reasonOf(StatusRuntimeException e) {
        com.google.rpc.Status s = io.grpc.protobuf.StatusProto.fromThrowable(e);
        if (s != null) {
            for (com.google.protobuf.Any any : s.getDetailsList()) {
                if (any.is(com.google.rpc.ErrorInfo.class)) {
                    try {
                        return any.unpack(com.google.rpc.ErrorInfo.class).getReason();
                    } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                        return "";
                    }
                }
            }
        }
        return "";
    }
}
