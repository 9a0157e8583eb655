package dev.sealer.core.tsa;

import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;

/** The message-imprint algorithms the TSA accepts and the digest length of each. */
final class DigestLengths {
    private static final Map<ASN1ObjectIdentifier, Integer> LENGTHS = Map.of(
            NISTObjectIdentifiers.id_sha256, 32, NISTObjectIdentifiers.id_sha384, 48, NISTObjectIdentifiers.id_sha512, 64,
            NISTObjectIdentifiers.id_sha3_256, 32, NISTObjectIdentifiers.id_sha3_512, 64);

    private DigestLengths() {
    }

    /** Null when acceptable; else what is wrong ("unsupported ..." for an algorithm not accepted). */
    static String problem(ASN1ObjectIdentifier alg, byte[] digest) {
        Integer len = alg == null ? null : LENGTHS.get(alg);
        if (len == null) {
            return "unsupported message imprint algorithm " + alg + " (accepted: SHA-256, SHA-384, SHA-512, SHA3-256, SHA3-512)";
        }
        if (digest == null || digest.length != len) {
            return "a " + alg + " message imprint has " + len + " bytes, not " + (digest == null ? 0 : digest.length);
        }
        return null;
    }
}
