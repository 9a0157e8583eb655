package dev.sealer.core.seal;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** An artifact digest: algorithm and value, whose length is checked against the algorithm. */
public record Digest(DigestAlgorithm algorithm, byte[] value) {
    public Digest {
        if (algorithm == null) {
            throw new SealerException(Reason.INVALID_DIGEST, "digest algorithm is required");
        }
        if (value == null || value.length != algorithm.length()) {
            throw new SealerException(Reason.INVALID_DIGEST, algorithm.id() + " digest must be " + algorithm.length()
                    + " bytes, got " + (value == null ? 0 : value.length));
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(value);
    }

    public static Digest ofHex(DigestAlgorithm algorithm, String hex) {
        try {
            return new Digest(algorithm, HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new SealerException(Reason.INVALID_DIGEST, "digest value is not lowercase hex");
        }
    }

    /** Constant-time comparison of algorithm and value. */
    public boolean matches(Digest other) {
        return other != null && algorithm == other.algorithm && MessageDigest.isEqual(value, other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest d && matches(d);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode();
    }

    @Override
    public String toString() {
        return algorithm.id() + ":" + hex();
    }
}
