package dev.sealer.core.tsa;

import dev.sealer.core.error.Reason;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * Verifies an RFC 3161 time-stamp token: pure computation. A token is accepted when its signer
 * certificate (from the token or from the trust entry) is issued by a trusted TSA's issuer, has
 * the critical extended key usage {@code timeStamping} and was valid at {@code genTime}; the
 * CMS signature and the ESS signing-certificate attribute verify (BouncyCastle
 * {@code TimeStampToken.validate}); and the message imprint is exactly the expected one.
 */
public final class TimestampVerifier {
    public static final String EKU_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

    /** What a verified token says. */
    public record Verified(String tsa, Instant genTime, BigInteger serial, String policy) {
    }

    private TimestampVerifier() {
    }

    /**
     * @param rootKey the pinned root attestation key (for {@code issuer = root} entries); may be null
     * @throws TimestampException (TIMESTAMP_INVALID) naming the failed check
     */
    public static Verified verify(byte[] tokenDer, ASN1ObjectIdentifier imprintAlg, byte[] expectedImprint, List<TimestampTrust> trusted, PublicKey rootKey) {
        TimeStampToken token;
        try {
            token = new TimeStampToken(new CMSSignedData(tokenDer));
        } catch (Exception e) {
            throw invalid("not a DER time-stamp token: " + e.getMessage());
        }
        var info = token.getTimeStampInfo();
        if (!info.getMessageImprintAlgOID().equals(imprintAlg) || !MessageDigest.isEqual(info.getMessageImprintDigest(), expectedImprint)) {
            throw invalid("the token's message imprint is not the expected " + imprintAlg + " digest");
        }
        List<X509Certificate> candidates = new ArrayList<>();
        try {
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> embedded = token.getCertificates().getMatches(token.getSID());
            for (X509CertificateHolder h : embedded) {
                candidates.add(new JcaX509CertificateConverter().getCertificate(h));
            }
        } catch (Exception e) {
            throw invalid("unreadable certificate in the token: " + e.getMessage());
        }
        for (TimestampTrust t : trusted) {
            for (X509Certificate c : t.certificates()) {
                if (token.getSID().match(holder(c))) {
                    candidates.add(c);
                }
            }
        }
        if (candidates.isEmpty()) {
            throw invalid("the token names a signer certificate that is neither in it nor in the trust bundle");
        }
        String last = "no trusted TSA issued the token's signer certificate";
        for (X509Certificate cert : candidates) {
            for (TimestampTrust t : trusted) {
                if (!t.issued(cert, rootKey)) {
                    continue;
                }
                try {
                    requireTimeStampingCertificate(cert);
                    token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(cert)); // signature, ESS certID, validity at genTime
                    return new Verified(t.name(), info.getGenTime().toInstant(), info.getSerialNumber(), info.getPolicy().getId());
                } catch (TimestampException e) {
                    last = e.getMessage();
                } catch (Exception e) {
                    last = "token signature does not verify with TSA " + t.name() + ": " + e.getMessage();
                }
            }
        }
        throw invalid(last);
    }

    /** What a token says, read without verifying it (for answering the token just issued, and for display). */
    public static Verified info(byte[] tokenDer) {
        try {
            var info = new TimeStampToken(new CMSSignedData(tokenDer)).getTimeStampInfo();
            return new Verified(info.getTsa() == null ? "" : info.getTsa().toString(), info.getGenTime().toInstant(), info.getSerialNumber(),
                    info.getPolicy().getId());
        } catch (Exception e) {
            throw invalid("not a DER time-stamp token: " + e.getMessage());
        }
    }

    /** Reads only the generation time, without verifying anything (for display and for stored rows before checking). */
    public static Instant genTimeUnverified(byte[] tokenDer) {
        try {
            return new TimeStampToken(new CMSSignedData(tokenDer)).getTimeStampInfo().getGenTime().toInstant();
        } catch (Exception e) {
            throw invalid("not a DER time-stamp token: " + e.getMessage());
        }
    }

    /** RFC 3161 §2.3: the TSA certificate has exactly one extended key usage, timeStamping, marked critical. */
    static void requireTimeStampingCertificate(X509Certificate cert) {
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku == null || eku.size() != 1 || !EKU_TIME_STAMPING.equals(eku.getFirst())
                    || cert.getCriticalExtensionOIDs() == null || !cert.getCriticalExtensionOIDs().contains("2.5.29.37")) {
                throw invalid("certificate " + cert.getSubjectX500Principal() + " lacks the critical extended key usage timeStamping alone");
            }
        } catch (CertificateParsingException e) {
            throw invalid("unreadable extended key usage: " + e.getMessage());
        }
    }

    private static X509CertificateHolder holder(X509Certificate c) {
        try {
            return new X509CertificateHolder(c.getEncoded());
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static TimestampException invalid(String message) {
        return new TimestampException(Reason.TIMESTAMP_INVALID, message);
    }
}
