package dev.sealer.core.tsa;

import dev.sealer.core.error.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * An RFC 3161 time-stamping authority: turns a {@code TimeStampReq} into a {@code TimeStampResp}
 * whose token is a CMS SignedData signed with ECDSA P-256 / SHA-256 by a {@link HashSigner} (the
 * HSM in production), naming its certificate by an ESSCertIDv2 (SHA-256) signing-certificate
 * attribute. Pure computation apart from the signer, the clock and the serial source.
 *
 * <p>Accepted message imprints: SHA-256, SHA-384, SHA-512, SHA3-256, SHA3-512 (length checked).
 * Every request that cannot be granted gets a {@code rejection} response with its
 * {@code PKIFailureInfo} ({@code badDataFormat}, {@code badAlg}, {@code unacceptedPolicy},
 * {@code unacceptedExtension}, {@code badRequest}); nothing a client sends makes this class throw.
 */
public final class TimestampAuthority {
    /** ecdsa-with-SHA256 (RFC 5758). */
    static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
    public static final Set<ASN1ObjectIdentifier> ACCEPTED_DIGESTS = Set.of(NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384,
            NISTObjectIdentifiers.id_sha512, NISTObjectIdentifiers.id_sha3_256, NISTObjectIdentifiers.id_sha3_512);
    /** A request larger than this is not parsed: a digest, a policy and a nonce fit in a few hundred bytes. */
    public static final int MAX_REQUEST_BYTES = 4096;

    private final X509Certificate certificate;
    private final List<X509Certificate> chain;
    private final HashSigner signer;
    private final Supplier<BigInteger> serials;
    private final Clock clock;
    private final TsaPolicy policy;
    private final Set<String> acceptedPolicies;
    private final X509CertificateHolder certificateHolder;
    private final JcaCertStore certStore;

    /**
     * @param chain the TSA certificate first, then its issuers (included in a token when the request sets {@code certReq})
     */
    public TimestampAuthority(List<X509Certificate> chain, HashSigner signer, Supplier<BigInteger> serials, Clock clock, TsaPolicy policy) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the TSA needs its certificate");
        }
        this.chain = List.copyOf(chain);
        this.certificate = chain.getFirst();
        TimestampVerifier.requireTimeStampingCertificate(certificate);
        this.signer = signer;
        this.serials = serials;
        this.clock = clock;
        this.policy = policy;
        this.acceptedPolicies = Set.of(policy.policyOid());
        try {
            this.certificateHolder = new X509CertificateHolder(certificate.getEncoded());
            this.certStore = new JcaCertStore(this.chain);
        } catch (CertificateEncodingException | IOException e) {
            throw new IllegalArgumentException("unreadable TSA certificate: " + e.getMessage(), e);
        }
        generator(); // fails now, not at the first request, when the set-up is wrong
    }

    /**
     * A fresh generator per response: BouncyCastle's generators and the signer's buffer are not
     * thread-safe, and building one costs a hash of the certificate, nothing next to the signature.
     */
    private TimeStampResponseGenerator generator() {
        try {
            DigestCalculator essCertId = new JcaDigestCalculatorProviderBuilder().build()
                    .get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256));
            SignerInfoGenerator sig = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .build(new HsmContentSigner(signer), certificateHolder);
            TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(sig, essCertId, new ASN1ObjectIdentifier(policy.policyOid()));
            tokens.addCertificates(certStore);
            tokens.setResolution(TimeStampTokenGenerator.R_MILLISECONDS);
            Duration a = policy.accuracy();
            if (!a.isZero()) {
                long seconds = a.toSeconds();
                int millis = a.toMillisPart();
                int micros = (a.toNanosPart() / 1000) % 1000;
                if (seconds > 0) {
                    tokens.setAccuracySeconds((int) seconds);
                }
                if (millis > 0) {
                    tokens.setAccuracyMillis(millis);
                }
                if (micros > 0) {
                    tokens.setAccuracyMicros(micros);
                }
            }
            tokens.setOrdering(false);
            return new TimeStampResponseGenerator(tokens, ACCEPTED_DIGESTS, acceptedPolicies);
        } catch (OperatorCreationException | TSPException e) {
            throw new IllegalStateException("cannot set up the time-stamping authority: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    public TsaPolicy policy() {
        return policy;
    }

    /**
     * The DER {@code TimeStampResp} for a DER {@code TimeStampReq}: granted with a token, or a
     * rejection naming the failure. Throws only when the signer or the serial source fails
     * (SealerException: HSM_UNAVAILABLE, STORE_UNAVAILABLE), so the caller answers that as what it
     * is, not as a client error.
     */
    public byte[] respond(byte[] requestDer) {
        TimeStampRequest request;
        try {
            if (requestDer == null || requestDer.length == 0 || requestDer.length > MAX_REQUEST_BYTES) {
                return reject(PKIFailureInfo.badDataFormat, "the request must be a DER TimeStampReq of 1.." + MAX_REQUEST_BYTES + " bytes");
            }
            request = new TimeStampRequest(requestDer);
        } catch (IOException | RuntimeException e) {
            return reject(PKIFailureInfo.badDataFormat, "not a DER TimeStampReq");
        }
        if (policy.nonceRequired() && request.getNonce() == null) {
            return reject(PKIFailureInfo.badRequest, "this TSA requires a nonce");
        }
        String lengthProblem = DigestLengths.problem(request.getMessageImprintAlgOID(), request.getMessageImprintDigest());
        if (lengthProblem != null) {
            return reject(lengthProblem.startsWith("unsupported") ? PKIFailureInfo.badAlg : PKIFailureInfo.badDataFormat, lengthProblem);
        }
        try {
            TimeStampResponse response = generator().generateGrantedResponse(request, serials.get(), Date.from(clock.instant()));
            return response.getEncoded();
        } catch (TSPException | RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof dev.sealer.core.error.SealerException failure) {
                    throw failure; // the signer (HSM) or the serial source failed: not the client's fault
                }
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            // a request BouncyCastle refuses (unaccepted policy / extension / algorithm): generate() would map it, do the same
            return rejectFromValidation(request);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a time-stamp response", e);
        }
    }

    private byte[] rejectFromValidation(TimeStampRequest request) {
        try {
            request.validate(ACCEPTED_DIGESTS, acceptedPolicies, null);
        } catch (org.bouncycastle.tsp.TSPValidationException v) {
            return reject(v.getFailureCode(), v.getMessage());
        } catch (TSPException e) {
            return reject(PKIFailureInfo.badRequest, e.getMessage());
        }
        return reject(PKIFailureInfo.systemFailure, "the request could not be granted");
    }

    /**
     * The DER {@code TimeStampToken} over {@code digest} (of {@code digestOid}) with {@code nonce}
     * (may be null) and, when {@code certReq}, the TSA's certificates in the token. Throws
     * {@link TimestampException} with INVALID_DIGEST / INVALID_ARGUMENT for what the authority rejects.
     */
    public byte[] token(ASN1ObjectIdentifier digestOid, byte[] digest, BigInteger nonce, boolean certReq) {
        TimeStampRequestGenerator gen = new TimeStampRequestGenerator();
        gen.setCertReq(certReq);
        String problem = DigestLengths.problem(digestOid, digest);
        if (problem != null) {
            throw new TimestampException(Reason.INVALID_DIGEST, problem);
        }
        if (nonce != null && nonce.signum() < 0) {
            throw new TimestampException(Reason.INVALID_ARGUMENT, "the nonce must not be negative");
        }
        byte[] request;
        try {
            request = (nonce == null ? gen.generate(digestOid, digest) : gen.generate(digestOid, digest, nonce)).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] resp = respond(request);
        try {
            TimeStampResponse r = new TimeStampResponse(resp);
            if (r.getTimeStampToken() == null) {
                throw new TimestampException(Reason.INVALID_ARGUMENT, "time stamp refused: " + r.getStatusString());
            }
            return r.getTimeStampToken().getEncoded();
        } catch (TSPException | IOException e) {
            throw new IllegalStateException("cannot read our own time-stamp response", e);
        }
    }

    private static byte[] reject(int failInfo, String text) {
        try {
            return new TimeStampResponseGenerator(null, null).generateFailResponse(PKIStatus.REJECTION, failInfo, text).getEncoded();
        } catch (TSPException | IOException e) {
            throw new IllegalStateException("cannot encode a rejection", e);
        }
    }

    /** A ContentSigner whose signature is made by the {@link HashSigner} (the HSM): BouncyCastle only sees the signature bytes. */
    private static final class HsmContentSigner implements ContentSigner {
        private final HashSigner signer;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

        HsmContentSigner(HashSigner signer) {
            this.signer = signer;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return ECDSA_SHA256;
        }

        @Override
        public OutputStream getOutputStream() {
            return buffer;
        }

        @Override
        public byte[] getSignature() {
            byte[] signedAttributes = buffer.toByteArray();
            buffer.reset();
            return signer.sha256WithEcdsa(signedAttributes);
        }
    }
}
