package dev.sealer.core.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Raw public keys to and from X.509 {@code SubjectPublicKeyInfo} (DER and PEM
 * {@code PUBLIC KEY}): Ed25519 (RFC 8410, OID 1.3.101.112) and ML-DSA-44/65/87 (RFC 9881,
 * OIDs 2.16.840.1.101.3.4.3.17/18/19), both with absent AlgorithmIdentifier parameters.
 *
 * <p>Decoding is strict: the OID must be the expected algorithm's, the key must have the
 * algorithm's length, and nothing may follow the structure.
 */
public final class PublicKeyCodec {

    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    private PublicKeyCodec() {
    }

    public static byte[] toDer(SignatureAlgorithm alg, byte[] rawPublicKey) {
        Objects.requireNonNull(alg, "alg");
        checkLength(alg, rawPublicKey);
        byte[] bitString = Der.tlv(Der.BIT_STRING, Der.concat(new byte[] {0}, rawPublicKey));
        return Der.tlv(Der.SEQUENCE, Der.concat(Der.algorithmIdentifier(alg.oid()), bitString));
    }

    /** @throws IllegalArgumentException on malformed DER, another algorithm's OID, a wrong key length or trailing bytes */
    public static byte[] fromDer(SignatureAlgorithm alg, byte[] der) {
        Objects.requireNonNull(alg, "alg");
        Objects.requireNonNull(der, "der");
        Der.Reader top = new Der.Reader(der);
        Der.Reader spki = top.read(Der.SEQUENCE);
        top.expectEnd("SubjectPublicKeyInfo");
        Der.Reader algId = spki.read(Der.SEQUENCE);
        byte[] oidContent = algId.read(Der.OID).remaining();
        algId.expectEnd("AlgorithmIdentifier (parameters must be absent)");
        byte[] expectedOid = Der.oid(alg.oid());
        byte[] expectedContent = Arrays.copyOfRange(expectedOid, 2, expectedOid.length);
        if (!Arrays.equals(oidContent, expectedContent)) {
            throw new IllegalArgumentException("public key is not " + alg.id() + " (OID mismatch)");
        }
        byte[] bits = spki.read(Der.BIT_STRING).remaining();
        spki.expectEnd("subjectPublicKey");
        if (bits.length < 1 || bits[0] != 0) {
            throw new IllegalArgumentException("public key BIT STRING must have 0 unused bits");
        }
        byte[] raw = Arrays.copyOfRange(bits, 1, bits.length);
        checkLength(alg, raw);
        return raw;
    }

    /** PEM with a {@code PUBLIC KEY} label, base64 lines of 64 characters, {@code \n} line ends. */
    public static String toPem(SignatureAlgorithm alg, byte[] rawPublicKey) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(toDer(alg, rawPublicKey));
        return PEM_BEGIN + "\n" + b64 + "\n" + PEM_END + "\n";
    }

    /** Accepts exactly one {@code PUBLIC KEY} block; surrounding whitespace and CRLF are tolerated, nothing else. */
    public static byte[] fromPem(SignatureAlgorithm alg, String pem) {
        Objects.requireNonNull(pem, "pem");
        String s = pem.strip();
        if (!s.startsWith(PEM_BEGIN) || !s.endsWith(PEM_END)) {
            throw new IllegalArgumentException("not a PEM PUBLIC KEY block");
        }
        String body = s.substring(PEM_BEGIN.length(), s.length() - PEM_END.length());
        if (body.contains("-----")) {
            throw new IllegalArgumentException("PEM must contain exactly one PUBLIC KEY block");
        }
        StringBuilder b64 = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
                continue;
            }
            b64.append(c);
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(b64.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM body is not valid base64", e);
        }
        return fromDer(alg, der);
    }

    private static void checkLength(SignatureAlgorithm alg, byte[] raw) {
        Objects.requireNonNull(raw, "rawPublicKey");
        if (raw.length != alg.publicKeySize()) {
            throw new IllegalArgumentException(alg.id() + " public key must be " + alg.publicKeySize()
                    + " bytes, was " + raw.length);
        }
    }
}
