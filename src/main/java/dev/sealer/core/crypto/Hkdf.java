package dev.sealer.core.crypto;

import java.util.Arrays;
import java.util.Objects;

/** HKDF-SHA256 (RFC 5869). Only the expand step: the PRK is a {@link PseudoRandomKey}, typically in an HSM. */
public final class Hkdf {

    /** SHA-256 output length. */
    public static final int HASH_LENGTH = 32;
    /** RFC 5869: L &lt;= 255 * HashLen. */
    public static final int MAX_OUTPUT_LENGTH = 255 * HASH_LENGTH;

    private Hkdf() {
    }

    /**
     * RFC 5869 §2.3 HKDF-Expand: {@code T(0) = ""}, {@code T(i) = HMAC(PRK, T(i-1) || info || i)},
     * output = first {@code length} bytes of {@code T(1) || T(2) || ...}.
     *
     * @param length 1 .. 255*32
     * @throws IllegalArgumentException if {@code length} is out of range
     */
    public static SecretBytes expandOnly(PseudoRandomKey prk, byte[] info, int length) {
        Objects.requireNonNull(prk, "prk");
        Objects.requireNonNull(info, "info");
        if (length < 1 || length > MAX_OUTPUT_LENGTH) {
            throw new IllegalArgumentException(
                    "HKDF output length must be in 1.." + MAX_OUTPUT_LENGTH + ", was " + length);
        }
        int blocks = (length + HASH_LENGTH - 1) / HASH_LENGTH;
        byte[] okm = new byte[length];
        byte[] previous = new byte[0];
        byte[] input = null;
        try {
            for (int i = 1; i <= blocks; i++) {
                input = new byte[previous.length + info.length + 1];
                System.arraycopy(previous, 0, input, 0, previous.length);
                System.arraycopy(info, 0, input, previous.length, info.length);
                input[input.length - 1] = (byte) i;
                byte[] t = prk.hmacSha256(input);
                if (t == null || t.length != HASH_LENGTH) {
                    throw new IllegalStateException("PRK returned a MAC that is not 32 bytes");
                }
                Arrays.fill(input, (byte) 0);
                Arrays.fill(previous, (byte) 0);
                System.arraycopy(t, 0, okm, (i - 1) * HASH_LENGTH, Math.min(HASH_LENGTH, length - (i - 1) * HASH_LENGTH));
                previous = t;
            }
            return SecretBytes.wrap(okm);
        } catch (RuntimeException e) {
            Arrays.fill(okm, (byte) 0);
            throw e;
        } finally {
            Arrays.fill(previous, (byte) 0);
            if (input != null) {
                Arrays.fill(input, (byte) 0);
            }
        }
    }
}
