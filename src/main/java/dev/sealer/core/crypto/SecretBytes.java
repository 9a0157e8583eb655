package dev.sealer.core.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Secret key material that never prints, compares in constant time and is wiped on close.
 *
 * <p>Thread-safe: all access goes through this object's monitor, so a concurrent
 * {@link #wipe()} can never race a {@link #reveal()} into returning half-zeroed bytes.
 */
public final class SecretBytes implements AutoCloseable {

    private final byte[] bytes;
    private final int length;
    private boolean wiped;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
        this.length = bytes.length;
    }

    /** Takes ownership of {@code bytes}: the caller must not use the array afterwards; it is zeroed by {@link #wipe()}. */
    public static SecretBytes wrap(byte[] bytes) {
        return new SecretBytes(Objects.requireNonNull(bytes, "bytes"));
    }

    /** Copies {@code bytes}; the caller keeps (and should wipe) its own array. */
    public static SecretBytes copyOf(byte[] bytes) {
        return new SecretBytes(Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** A fresh copy of the secret; the caller owns it and should zero it after use. */
    public synchronized byte[] reveal() {
        checkNotWiped();
        return bytes.clone();
    }

    /** Number of secret bytes (still answers after wipe: the length is not secret). */
    public int length() {
        return length;
    }

    public synchronized boolean isWiped() {
        return wiped;
    }

    /** Zero-fills the secret. Idempotent. Any later {@link #reveal()} throws {@link IllegalStateException}. */
    public synchronized void wipe() {
        Arrays.fill(bytes, (byte) 0);
        wiped = true;
    }

    @Override
    public void close() {
        wipe();
    }

    private void checkNotWiped() {
        if (wiped) {
            throw new IllegalStateException("SecretBytes has been wiped");
        }
    }

    /** Constant-time comparison of content (for equal lengths). A wiped instance equals only itself. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SecretBytes other)) {
            return false;
        }
        byte[] mine;
        byte[] theirs;
        synchronized (this) {
            if (wiped) {
                return false;
            }
            mine = bytes.clone();
        }
        try {
            synchronized (other) {
                if (other.wiped) {
                    return false;
                }
                theirs = other.bytes.clone();
            }
            try {
                return MessageDigest.isEqual(mine, theirs);
            } finally {
                Arrays.fill(theirs, (byte) 0);
            }
        } finally {
            Arrays.fill(mine, (byte) 0);
        }
    }

    /** Constant: key material is never hashed. */
    @Override
    public int hashCode() {
        return 0x5ec2e7;
    }

    @Override
    public String toString() {
        return "SecretBytes[" + length + " bytes, redacted]";
    }
}
