package dev.sealer.core.seal;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;

/** Digest algorithms clients may send; each fixes the digest length. */
public enum DigestAlgorithm {
    SHA_256("sha-256", "SHA-256", 32),
    SHA_384("sha-384", "SHA-384", 48),
    SHA_512("sha-512", "SHA-512", 64),
    SHA3_256("sha3-256", "SHA3-256", 32),
    SHA3_512("sha3-512", "SHA3-512", 64);

    private final String id;
    private final String jcaName;
    private final int length;

    DigestAlgorithm(String id, String jcaName, int length) {
        this.id = id;
        this.jcaName = jcaName;
        this.length = length;
    }

    /** The name used in receipts and bundles, e.g. {@code sha-256}. */
    public String id() {
        return id;
    }

    public String jcaName() {
        return jcaName;
    }

    public int length() {
        return length;
    }

    public static DigestAlgorithm fromId(String id) {
        for (DigestAlgorithm a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new SealerException(Reason.INVALID_DIGEST, "unknown digest algorithm '" + id + "'");
    }
}
