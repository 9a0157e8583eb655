package dev.sealer.core.format;

import dev.sealer.core.crypto.PublicKeyCodec;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.time.Rfc3339;
import dev.sealer.core.tsa.TimestampTrust;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trust bundle in Sigstore's terms (docs/formats.md §4): a {@code TrustedRoot}
 * ({@code application/vnd.dev.sigstore.trustedroot+json;version=0.1}) listing the bundle's
 * time-stamping authorities with their certificate chains, and the suites' Ed25519 keys as
 * protobuf-specs {@code PublicKey} objects by key hint, for keyed verification. No
 * certificate authorities, transparency logs or CT logs: nothing of Sigstore's public-good
 * instance is trusted.
 */
public final class SigstoreTrust {
    public static final String TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

    private SigstoreTrust() {
    }

    /** The TrustedRoot: each TSA's certificates (token-signing first), then its anchors (the issuing root certificate). */
    public static Map<String, Object> trustedRoot(TrustBundle trust) {
        Base64.Encoder b64 = Base64.getEncoder();
        List<Object> tsas = new ArrayList<>();
        for (TimestampTrust t : trust.timestampAuthorities()) {
            List<Object> chain = new ArrayList<>();
            List<X509Certificate> certs = new ArrayList<>(t.certificates());
            certs.addAll(t.anchors());
            X509Certificate earliest = null;
            for (X509Certificate c : certs) {
                try {
                    chain.add(Map.of("rawBytes", b64.encodeToString(c.getEncoded())));
                } catch (CertificateEncodingException e) {
                    throw new IllegalStateException("certificate of TSA " + t.name() + " cannot be encoded", e);
                }
                if (earliest == null || c.getNotBefore().before(earliest.getNotBefore())) {
                    earliest = c;
                }
            }
            if (chain.isEmpty()) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("subject", Map.of("organization", trust.authority(), "commonName", t.name()));
            entry.put("certChain", Map.of("certificates", chain));
            entry.put("validFor", Map.of("start", Rfc3339.format(earliest.getNotBefore().toInstant())));
            tsas.add(entry);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mediaType", TRUSTED_ROOT_MEDIA_TYPE);
        m.put("tlogs", List.of());
        m.put("certificateAuthorities", List.of());
        m.put("ctlogs", List.of());
        m.put("timestampAuthorities", tsas);
        return m;
    }

    /**
     * Key hint → {@code PublicKey} ({@code rawBytes}: base64 DER SubjectPublicKeyInfo,
     * {@code keyDetails} {@code PKIX_ED25519}, {@code validFor}: the suite's signing window) for
     * every suite the pinned root certifies.
     */
    public static Map<String, Object> publicKeys(TrustBundle trust) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (SuiteCertificate s : trust.suites()) {
            if (!trust.certifies(s)) {
                continue;
            }
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("rawBytes", Base64.getEncoder().encodeToString(PublicKeyCodec.toDer(SignatureAlgorithm.ED25519, s.ed25519PublicKey())));
            key.put("keyDetails", "PKIX_ED25519");
            key.put("validFor", Map.of("start", Rfc3339.format(s.signFrom()), "end", Rfc3339.format(s.signUntil())));
            m.put(KeyIds.of(s.suiteId(), SignatureAlgorithm.ED25519), key);
        }
        return m;
    }

    public static String trustedRootJson(TrustBundle trust) {
        return CanonicalJson.writeString(trustedRoot(trust));
    }

    public static String publicKeysJson(TrustBundle trust) {
        return CanonicalJson.writeString(publicKeys(trust));
    }
}
