package dev.sealer.dev;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The dev profile's and the tests' mutual-TLS material, made with the JDK and BouncyCastle's
 * bcprov ASN.1 classes (no external tools): a dev CA, a server certificate for
 * localhost / 127.0.0.1 / ::1, one client certificate per role and a PKCS#12 trust store holding
 * the CA (the gRPC server reads its trust anchors only from PKCS#12 or JKS). All keys are ECDSA
 * P-256, written as PKCS#8 PEM with mode 0600 and never printed. Files, in {@code dir}:
 *
 * <pre>
 * ca.crt ca.key                      the dev CA (keep ca.key to issue more client certificates)
 * server.crt server.key              the gRPC server (serverAuth only)
 * truststore.p12                     the CA, for quarkus.grpc.server.ssl.trust-store
 * sealer.crt sealer.key              CN=dev-sealer     (clientAuth only)
 * auditor.crt auditor.key            CN=dev-auditor
 * key-admin.crt key-admin.key        CN=dev-key-admin
 * </pre>
 */
public record DevCertificates(Path dir) {
    /** The trust store holds only public certificates; its password guards nothing secret. */
    public static final String TRUST_STORE_PASSWORD = "sealer-dev-truststore";
    /** Role name to the certificate common name the dev profile maps to it. */
    public static final Map<String, String> CLIENTS = Map.of("sealer", "dev-sealer", "auditor", "dev-auditor", "key-admin", "dev-key-admin");
    private static final String ORGANISATION = "Sealer dev";
    private static final SecureRandom RANDOM = new SecureRandom();

    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    /** The client certificate of {@code name} (a role name for the dev set). */
    public Path certificate(String name) {
        return dir.resolve(name + ".crt");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /** Creates the CA, the server and one client per role unless {@code dir} already holds them (restarts keep them). */
    public static synchronized DevCertificates createIfMissing(Path dir) {
        DevCertificates certs = new DevCertificates(dir.toAbsolutePath());
        if (Files.exists(certs.trustStore()) && CLIENTS.keySet().stream().allMatch(r -> Files.exists(certs.key(r)))) {
            return certs;
        }
        try {
            Files.createDirectories(certs.dir);
            Issuer ca = Issuer.selfSigned("CN=Sealer dev CA,O=" + ORGANISATION, Duration.ofDays(3650));
            writePem(certs.caCertificate(), "CERTIFICATE", ca.certificate.getEncoded(), false);
            writePem(certs.dir.resolve("ca.key"), "PRIVATE KEY", ca.key.getEncoded(), true);
            certs.issue(ca, "server", "CN=localhost,O=" + ORGANISATION, true);
            for (var e : CLIENTS.entrySet()) {
                certs.issue(ca, e.getKey(), "CN=" + e.getValue() + ",O=" + ORGANISATION, false);
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("sealer-dev-ca", ca.certificate);
            try (OutputStream out = Files.newOutputStream(certs.trustStore())) {
                trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS files in " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the dev TLS certificates: " + e.getMessage(), e);
        }
    }

    /**
     * Issues a client certificate {@code name.crt}/{@code name.key} with subject {@code subjectDn}
     * from this directory's CA (tests use it for identities outside the dev set).
     */
    public void issueClient(String name, String subjectDn) {
        try {
            issue(Issuer.load(caCertificate(), dir.resolve("ca.key")), name, subjectDn, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void issue(Issuer ca, String name, String subjectDn, boolean server) throws IOException, GeneralSecurityException {
        KeyPair pair = ecKeyPair();
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        ext.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
        if (server) {
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")}));
        }
        X509Certificate cert = ca.sign(subjectDn, pair, ext, Duration.ofDays(825));
        writePem(certificate(name), "CERTIFICATE", cert.getEncoded(), false);
        writePem(key(name), "PRIVATE KEY", pair.getPrivate().getEncoded(), true);
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    /** Writes a PEM file; a private key is created with mode 0600 before any byte is written. */
    private static void writePem(Path file, String type, byte[] der, boolean secret) throws IOException {
        Files.deleteIfExists(file);
        if (secret) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n", StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    private static byte[] readPem(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        StringBuilder b64 = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.startsWith("-----") && !line.isBlank()) {
                b64.append(line.strip());
            }
        }
        return Base64.getDecoder().decode(b64.toString());
    }

    private record Issuer(X509Certificate certificate, PrivateKey key) {
        static Issuer selfSigned(String dn, Duration validity) throws GeneralSecurityException, IOException {
            KeyPair pair = ecKeyPair();
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate self = sign(name(dn), pair.getPublic().getEncoded(), pair.getPrivate(), dn, pair, ext, validity);
            return new Issuer(self, pair.getPrivate());
        }

        static Issuer load(Path cert, Path key) throws IOException, GeneralSecurityException {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(readPem(cert)));
            PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(readPem(key)));
            return new Issuer(c, k);
        }

        X509Certificate sign(String subjectDn, KeyPair subject, ExtensionsGenerator ext, Duration validity)
                throws GeneralSecurityException, IOException {
            return sign(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), certificate.getPublicKey().getEncoded(), key,
                    subjectDn, subject, ext, validity);
        }

        private static X509Certificate sign(X500Name issuer, byte[] issuerSpki, PrivateKey issuerKey, String subjectDn, KeyPair subject,
                ExtensionsGenerator ext, Duration validity) throws GeneralSecurityException, IOException {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(subject.getPublic().getEncoded());
            ext.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(spki)));
            ext.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId(SubjectPublicKeyInfo.getInstance(issuerSpki))));
            AlgorithmIdentifier algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
            Instant now = Instant.now();
            V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
            tbs.setSerialNumber(new ASN1Integer(new BigInteger(127, RANDOM).add(BigInteger.ONE)));
            tbs.setIssuer(issuer);
            tbs.setSubject(name(subjectDn));
            tbs.setStartDate(new Time(Date.from(now.minus(Duration.ofMinutes(5)))));
            tbs.setEndDate(new Time(Date.from(now.plus(validity))));
            tbs.setSubjectPublicKeyInfo(spki);
            tbs.setSignature(algorithm);
            tbs.setExtensions(ext.generate());
            TBSCertificate body = tbs.generateTBSCertificate();
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(issuerKey);
            signer.update(body.getEncoded("DER"));
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(body);
            v.add(algorithm);
            v.add(new DERBitString(signer.sign()));
            byte[] der = new DERSequence(v).getEncoded("DER");
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
        }

        /** An RFC 2253 name (most specific first, as X500Principal prints it) encoded in X.500 order. */
        private static X500Name name(String rfc2253) {
            return X500Name.getInstance(new javax.security.auth.x500.X500Principal(rfc2253).getEncoded());
        }

        /** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
        private static byte[] keyId(SubjectPublicKeyInfo spki) throws GeneralSecurityException {
            return MessageDigest.getInstance("SHA-1").digest(spki.getPublicKeyData().getBytes());
        }
    }
}
