package dev.sealer.core.ceremony;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Shamir's secret sharing over GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11b):
 * every secret byte is the constant term of its own random polynomial of degree {@code threshold - 1};
 * share {@code x} (1..255) holds the polynomials' values at {@code x}. Any {@code threshold} shares
 * give the secret back by Lagrange interpolation at 0; fewer give a value independent of the secret.
 * Arithmetic is table-free and branch-free on secret data (multiplication by shift-and-add, inversion
 * by exponentiation), so timing does not depend on the secret.
 */
public final class Shamir {
    /** One share: its x coordinate (1..255) and one y byte per secret byte. */
    public record Share(int x, byte[] y) {
        public Share {
            if (x < 1 || x > 255) {
                throw new IllegalArgumentException("share x must be 1..255");
            }
            y = y.clone();
        }

        @Override
        public byte[] y() {
            return y.clone();
        }

        @Override
        public String toString() {
            return "Share[x=" + x + ", " + y.length + " bytes, redacted]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Share s && s.x == x && java.security.MessageDigest.isEqual(s.y, y);
        }

        @Override
        public int hashCode() {
            return x;
        }
    }

    private Shamir() {
    }

    /** Splits {@code secret} into {@code total} shares (x = 1..total), any {@code threshold} of which recover it. */
    public static List<Share> split(byte[] secret, int threshold, int total, SecureRandom random) {
        if (threshold < 2 || threshold > total || total > 255) {
            throw new IllegalArgumentException("need 2 <= threshold <= shares <= 255, got " + threshold + " of " + total);
        }
        if (secret.length == 0) {
            throw new IllegalArgumentException("empty secret");
        }
        byte[][] ys = new byte[total][secret.length];
        byte[] coefficients = new byte[threshold];
        for (int i = 0; i < secret.length; i++) {
            coefficients[0] = secret[i];
            byte[] rest = new byte[threshold - 1];
            random.nextBytes(rest);
            System.arraycopy(rest, 0, coefficients, 1, rest.length);
            Arrays.fill(rest, (byte) 0);
            for (int s = 0; s < total; s++) {
                ys[s][i] = (byte) evaluate(coefficients, s + 1);
            }
        }
        Arrays.fill(coefficients, (byte) 0);
        List<Share> shares = new ArrayList<>(total);
        for (int s = 0; s < total; s++) {
            shares.add(new Share(s + 1, ys[s]));
            Arrays.fill(ys[s], (byte) 0);
        }
        return shares;
    }

    /**
     * The secret through the given shares (Lagrange at 0). With fewer shares than the threshold the
     * result is not the secret: callers check it against a commitment ({@link Custody}).
     */
    public static byte[] combine(List<Share> shares) {
        if (shares.size() < 2) {
            throw new IllegalArgumentException("at least two shares are needed");
        }
        int length = shares.getFirst().y.length;
        Set<Integer> xs = new HashSet<>();
        for (Share s : shares) {
            if (s.y.length != length) {
                throw new IllegalArgumentException("shares of different lengths");
            }
            if (!xs.add(s.x)) {
                throw new IllegalArgumentException("share " + s.x + " given twice");
            }
        }
        byte[] secret = new byte[length];
        for (int j = 0; j < shares.size(); j++) {
            // basis polynomial l_j(0) = prod_{m != j} x_m / (x_m - x_j); subtraction is xor in GF(2^8)
            int num = 1;
            int den = 1;
            int xj = shares.get(j).x;
            for (int m = 0; m < shares.size(); m++) {
                if (m != j) {
                    int xm = shares.get(m).x;
                    num = mul(num, xm);
                    den = mul(den, xm ^ xj);
                }
            }
            int basis = mul(num, inverse(den));
            byte[] y = shares.get(j).y;
            for (int i = 0; i < length; i++) {
                secret[i] ^= (byte) mul(y[i] & 0xff, basis);
            }
        }
        return secret;
    }

    private static int evaluate(byte[] coefficients, int x) {
        int result = 0;
        for (int k = coefficients.length - 1; k >= 0; k--) {
            result = mul(result, x) ^ (coefficients[k] & 0xff); // Horner
        }
        return result;
    }

    /** Multiplication in GF(2^8) mod 0x11b, in constant time. */
    static int mul(int a, int b) {
        int p = 0;
        for (int i = 0; i < 8; i++) {
            p ^= -(b & 1) & a;
            int carry = -((a >> 7) & 1);
            a = ((a << 1) ^ (carry & 0x1b)) & 0xff;
            b >>= 1;
        }
        return p & 0xff;
    }

    /** a^254 = a^-1 for a != 0. */
    static int inverse(int a) {
        int result = 1;
        int base = a;
        for (int e = 254; e > 0; e >>= 1) {
            if ((e & 1) == 1) {
                result = mul(result, base);
            }
            base = mul(base, base);
        }
        return result;
    }
}
