package dev.sealer.core.tsa;

import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whom a verifier trusts for time: a named TSA whose token-signing certificate must be issued
 * either by the pinned root attestation key ({@code issuer = root}: Sealer's built-in TSA) or by
 * one of its own anchor certificates (an external TSA). {@code certificates} are the TSA's
 * certificates, for tokens that do not carry them and for {@code openssl ts -verify -untrusted}.
 */
public record TimestampTrust(String name, boolean rootIssued, List<X509Certificate> anchors, List<X509Certificate> certificates) {
    public TimestampTrust {
        Objects.requireNonNull(name, "name");
        anchors = List.copyOf(anchors);
        certificates = List.copyOf(certificates);
        if (!rootIssued && anchors.isEmpty()) {
            throw new IllegalArgumentException("TSA " + name + " needs trust anchors or issuer root");
        }
    }

    /**
     * This entry as a later root's bundle carries it (a root rollover): a root-issued TSA is then anchored in its own
     * root's attestation certificate (its first anchor), since "the root" of the new bundle is another key; the tokens it
     * stamped on earlier checkpoints keep verifying.
     */
    public TimestampTrust carriedForward() {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("TSA " + name + " names no certificate of its issuer to carry forward");
        }
        return new TimestampTrust(name, false, anchors, certificates);
    }

    /** True when {@code cert} is issued by this TSA's issuer: the root key, or an anchor (or is an anchor itself). */
    public boolean issued(X509Certificate cert, PublicKey rootKey) {
        if (rootIssued) {
            return rootKey != null && verifies(cert, rootKey);
        }
        for (X509Certificate a : anchors) {
            if (a.equals(cert) || (a.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && verifies(cert, a.getPublicKey()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean verifies(X509Certificate cert, PublicKey key) {
        try {
            cert.verify(key);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    public Map<String, Object> toJsonValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("issuer", rootIssued ? "root" : "anchors");
        m.put("anchors", anchors.stream().map(TimestampTrust::pem).toList());
        m.put("certificates", certificates.stream().map(TimestampTrust::pem).toList());
        return m;
    }

    public static TimestampTrust fromJsonValue(Map<String, Object> m) {
        String issuer = dev.sealer.core.json.Json.string(m, "issuer");
        if (!issuer.equals("root") && !issuer.equals("anchors")) {
            throw new IllegalArgumentException("TSA issuer must be root or anchors, not " + issuer);
        }
        List<X509Certificate> anchors = new ArrayList<>();
        for (Object o : dev.sealer.core.json.Json.array(m, "anchors")) {
            anchors.addAll(parsePem(String.valueOf(o)));
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (Object o : dev.sealer.core.json.Json.array(m, "certificates")) {
            certs.addAll(parsePem(String.valueOf(o)));
        }
        return new TimestampTrust(dev.sealer.core.json.Json.string(m, "name"), issuer.equals("root"), anchors, certs);
    }

    private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

    /** Every certificate in PEM text (one or more blocks). */
    public static List<X509Certificate> parsePem(String text) {
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            out.add(parseDer(Base64.getMimeDecoder().decode(m.group(1))));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate found");
        }
        return out;
    }

    public static X509Certificate parseDer(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    public static String pem(X509Certificate cert) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
