package dev.sealer.core.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@link PseudoRandomKey} held in process memory. For tests and test vectors only: production
 * roots live in the HSM. Close it to wipe the key.
 */
public final class InMemoryPseudoRandomKey implements PseudoRandomKey, AutoCloseable {

    private final SecretBytes key;

    private InMemoryPseudoRandomKey(SecretBytes key) {
        this.key = key;
    }

    /** Copies {@code prk}; the caller still owns (and should close) its {@link SecretBytes}. */
    public static InMemoryPseudoRandomKey of(SecretBytes prk) {
        Objects.requireNonNull(prk, "prk");
        if (prk.length() == 0) {
            throw new IllegalArgumentException("PRK must not be empty");
        }
        byte[] copy = prk.reveal();
        return new InMemoryPseudoRandomKey(SecretBytes.wrap(copy));
    }

    @Override
    public byte[] hmacSha256(byte[] message) {
        Objects.requireNonNull(message, "message");
        byte[] k = key.reveal();
        SecretKeySpec spec = new SecretKeySpec(k, "HmacSHA256");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(spec);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        } finally {
            Arrays.fill(k, (byte) 0);
            try {
                spec.destroy();
            } catch (javax.security.auth.DestroyFailedException ignored) {
                // best effort; the copy is unreachable and will be collected
            }
        }
    }

    @Override
    public void close() {
        key.wipe();
    }

    @Override
    public String toString() {
        return "InMemoryPseudoRandomKey[redacted]";
    }
}
