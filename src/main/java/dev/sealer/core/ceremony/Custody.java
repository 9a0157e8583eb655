package dev.sealer.core.ceremony;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * M-of-N custody of the token's PINs. The custody secret is 32 random bytes: the first 16 give the
 * user PIN, the last 16 the security officer (SO) PIN, each written as 32 lower-case hex digits. It
 * is split with {@link Shamir}; each custodian receives one share as a line of text
 * ({@link #format}); the transcript records only a commitment
 * {@code SHA-256("sealer/v1/custody\n" || ceremony id || 0x0a || secret)}, which lets a later ceremony
 * check a reconstruction without learning anything (the secret has 256 bits of entropy).
 *
 * <p>Share line: {@code sealer-share/v1:<ceremony>:<M>:<N>:<x>:<64 hex y>:<8 hex check>}, where the
 * check is the first 4 bytes of SHA-256 of everything before the last colon (catches typing errors).
 */
public final class Custody {
    public static final String SHARE_PREFIX = "sealer-share/v1";
    public static final int SECRET_BYTES = 32;

    /** A parsed share line. */
    public record ShareLine(String ceremonyId, int threshold, int total, Shamir.Share share) {
    }

    /** The PINs reconstructed from shares; {@link #close()} wipes them. */
    public static final class Pins implements AutoCloseable {
        private final char[] user;
        private final char[] so;

        Pins(byte[] secret) {
            this.user = HexFormat.of().formatHex(secret, 0, 16).toCharArray();
            this.so = HexFormat.of().formatHex(secret, 16, 32).toCharArray();
        }

        public char[] user() {
            return user;
        }

        public char[] so() {
            return so;
        }

        @Override
        public void close() {
            Arrays.fill(user, '\0');
            Arrays.fill(so, '\0');
        }

        @Override
        public String toString() {
            return "Pins[redacted]";
        }
    }

    /** A new custody: the PINs, the share lines (one per custodian, in order) and the commitment. */
    public record Split(Pins pins, List<String> shareLines, String commitment) {
        @Override
        public String toString() {
            return "Split[" + shareLines.size() + " shares, redacted]";
        }
    }

    private Custody() {
    }

    public static Split create(String ceremonyId, int threshold, int total, SecureRandom random) {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        try {
            List<Shamir.Share> shares = Shamir.split(secret, threshold, total, random);
            List<String> lines = new ArrayList<>();
            for (Shamir.Share s : shares) {
                lines.add(format(ceremonyId, threshold, total, s));
            }
            return new Split(new Pins(secret), List.copyOf(lines), commitment(ceremonyId, secret));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    public static String format(String ceremonyId, int threshold, int total, Shamir.Share share) {
        String body = SHARE_PREFIX + ":" + ceremonyId + ":" + threshold + ":" + total + ":" + share.x() + ":" + HexFormat.of().formatHex(share.y());
        return body + ":" + HexFormat.of().formatHex(sha256(body.getBytes(StandardCharsets.US_ASCII)), 0, 4);
    }

    public static ShareLine parse(String line) {
        String text = line.strip();
        int last = text.lastIndexOf(':');
        String[] f = text.split(":");
        if (f.length != 7 || !f[0].equals(SHARE_PREFIX)) {
            throw new IllegalArgumentException("not a " + SHARE_PREFIX + " share line");
        }
        String check = HexFormat.of().formatHex(sha256(text.substring(0, last).getBytes(StandardCharsets.US_ASCII)), 0, 4);
        if (!MessageDigest.isEqual(check.getBytes(StandardCharsets.US_ASCII), f[6].getBytes(StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("share check digits do not match: the share line was mistyped or damaged");
        }
        int threshold = Integer.parseInt(f[2]);
        int total = Integer.parseInt(f[3]);
        byte[] y = HexFormat.of().parseHex(f[5]);
        if (y.length != SECRET_BYTES) {
            throw new IllegalArgumentException("share holds " + y.length + " bytes, expected " + SECRET_BYTES);
        }
        return new ShareLine(f[1], threshold, total, new Shamir.Share(Integer.parseInt(f[4]), y));
    }

    /**
     * Reconstructs the PINs of ceremony {@code ceremonyId} from share lines. Refuses, naming the
     * reason, when the lines belong to another ceremony, disagree on M-of-N, repeat a share, are
     * fewer than M, or do not reconstruct the committed secret.
     */
    public static Pins combine(String ceremonyId, String commitment, List<String> lines) {
        List<ShareLine> parsed = new ArrayList<>();
        for (String l : lines) {
            parsed.add(parse(l));
        }
        if (parsed.isEmpty()) {
            throw new CustodyException("no custody shares were presented");
        }
        int threshold = parsed.getFirst().threshold();
        int total = parsed.getFirst().total();
        Set<Integer> xs = new HashSet<>();
        for (ShareLine p : parsed) {
            if (!p.ceremonyId().equals(ceremonyId)) {
                throw new CustodyException("a share belongs to ceremony " + p.ceremonyId() + ", not " + ceremonyId);
            }
            if (p.threshold() != threshold || p.total() != total) {
                throw new CustodyException("the shares disagree on M-of-N");
            }
            if (!xs.add(p.share().x())) {
                throw new CustodyException("share " + p.share().x() + " was presented twice");
            }
        }
        if (parsed.size() < threshold) {
            throw new CustodyException(parsed.size() + " of the " + threshold + " custody shares needed (" + threshold + "-of-" + total
                    + ") were presented; refusing");
        }
        byte[] secret = Shamir.combine(parsed.stream().map(ShareLine::share).toList());
        try {
            if (!MessageDigest.isEqual(commitment(ceremonyId, secret).getBytes(StandardCharsets.US_ASCII), commitment.getBytes(StandardCharsets.US_ASCII))) {
                throw new CustodyException("the shares do not reconstruct the committed custody secret of ceremony " + ceremonyId);
            }
            return new Pins(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    static String commitment(String ceremonyId, byte[] secret) {
        byte[] prefix = ("sealer/v1/custody\n" + ceremonyId + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[prefix.length + secret.length];
        System.arraycopy(prefix, 0, m, 0, prefix.length);
        System.arraycopy(secret, 0, m, prefix.length, secret.length);
        try {
            return HexFormat.of().formatHex(sha256(m));
        } finally {
            Arrays.fill(m, (byte) 0);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A custody rule was not met. */
    public static final class CustodyException extends RuntimeException {
        public CustodyException(String message) {
            super(message);
        }
    }
}
