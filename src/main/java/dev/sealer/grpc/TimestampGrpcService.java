package dev.sealer.grpc;

import com.google.protobuf.ByteString;
import dev.sealer.app.tsa.TimestampAuthorities;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.time.Rfc3339;
import dev.sealer.core.tsa.TimestampVerifier;
import dev.sealer.grpc.v1.TimestampRequest;
import dev.sealer.grpc.v1.TimestampResponse;
import dev.sealer.grpc.v1.TimestampServiceGrpc;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;

/** The built-in TSA over gRPC: a digest in, a DER RFC 3161 token out (maps and delegates). */
@GrpcService
@Blocking
public class TimestampGrpcService extends TimestampServiceGrpc.TimestampServiceImplBase {
    @Inject
    TimestampAuthorities authorities;

    @Override
    public void timestamp(TimestampRequest request, StreamObserver<TimestampResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            if (!request.hasDigest()) {
                throw new SealerException(Reason.INVALID_DIGEST, "digest is required");
            }
            Digest digest = ProtoMapper.digest(request.getDigest());
            ASN1ObjectIdentifier oid = switch (digest.algorithm()) {
                case SHA_256 -> NISTObjectIdentifiers.id_sha256;
                case SHA_384 -> NISTObjectIdentifiers.id_sha384;
                case SHA_512 -> NISTObjectIdentifiers.id_sha512;
                case SHA3_256 -> NISTObjectIdentifiers.id_sha3_256;
                case SHA3_512 -> NISTObjectIdentifiers.id_sha3_512;
            };
            BigInteger nonce = null;
            if (!request.getNonce().isEmpty()) {
                if (request.getNonce().size() > 32) {
                    throw new SealerException(Reason.INVALID_ARGUMENT, "nonce must be 1..32 bytes, was " + request.getNonce().size());
                }
                nonce = new BigInteger(1, request.getNonce().toByteArray());
            }
            byte[] token = authorities.token(oid, digest.value(), nonce, request.getCertReq());
            var info = TimestampVerifier.info(token);
            return TimestampResponse.newBuilder().setToken(ByteString.copyFrom(token)).setGenTime(Rfc3339.format(info.genTime()))
                    .setSerialNumber(info.serial().toString()).setPolicy(info.policy()).build();
        });
    }
}
