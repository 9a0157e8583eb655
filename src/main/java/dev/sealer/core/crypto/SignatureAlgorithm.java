package dev.sealer.core.crypto;

import java.util.Objects;

/** The signature algorithms a suite may use. {@link #id()} is the stable wire/storage name. */
public enum SignatureAlgorithm {
    /** Pure Ed25519 (RFC 8032). */
    ED25519("ed25519", false, 32, 64, "1.3.101.112"),
    /** Pure ML-DSA-44 (FIPS 204), empty context. */
    ML_DSA_44("ml-dsa-44", true, 1312, 2420, "2.16.840.1.101.3.4.3.17"),
    /** Pure ML-DSA-65 (FIPS 204), empty context. The default post-quantum algorithm. */
    ML_DSA_65("ml-dsa-65", true, 1952, 3309, "2.16.840.1.101.3.4.3.18"),
    /** Pure ML-DSA-87 (FIPS 204), empty context. */
    ML_DSA_87("ml-dsa-87", true, 2592, 4627, "2.16.840.1.101.3.4.3.19");

    private final String id;
    private final boolean postQuantum;
    private final int publicKeySize;
    private final int signatureSize;
    private final String oid;

    SignatureAlgorithm(String id, boolean postQuantum, int publicKeySize, int signatureSize, String oid) {
        this.id = id;
        this.postQuantum = postQuantum;
        this.publicKeySize = publicKeySize;
        this.signatureSize = signatureSize;
        this.oid = oid;
    }

    /** Stable lower-case name, e.g. {@code ml-dsa-65}. */
    public String id() {
        return id;
    }

    public boolean postQuantum() {
        return postQuantum;
    }

    /** Length of the raw public key (Ed25519: 32; ML-DSA: FIPS 204 pkEncode). */
    public int publicKeySize() {
        return publicKeySize;
    }

    /** Length of a signature. */
    public int signatureSize() {
        return signatureSize;
    }

    /** Dotted OID of the X.509 AlgorithmIdentifier (RFC 8410 / RFC 9881). */
    public String oid() {
        return oid;
    }

    /** @throws IllegalArgumentException on an unknown id (exact, case-sensitive match) */
    public static SignatureAlgorithm fromId(String id) {
        Objects.requireNonNull(id, "id");
        for (SignatureAlgorithm a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown signature algorithm: " + id);
    }

    @Override
    public String toString() {
        return id;
    }
}
