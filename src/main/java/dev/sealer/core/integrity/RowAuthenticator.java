package dev.sealer.core.integrity;

import dev.sealer.core.crypto.DerivationInfo;
import dev.sealer.core.crypto.PseudoRandomKey;
import dev.sealer.core.crypto.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates the rows this authority stores, with a key the database never sees: an
 * HMAC-SHA256 key derived from the HSM root with the same HKDF expand-only hierarchy as the
 * operational keys, under its own label ({@link #LABEL}) and the authority's name, so a row
 * written by another deployment (another root or another authority name) does not verify here.
 *
 * <p>A row's authenticator is the first {@value #TAG_LENGTH} bytes of
 * {@code HMAC-SHA256(rowKey, message)}, where the message is built by {@link RowMessage} (the
 * byte layout is in docs/security.md). Verification compares in constant time.
 */
public final class RowAuthenticator implements AutoCloseable {
    /** HKDF label of the row key: {@code info = label, authority, "hmac-sha256"}. */
    public static final String LABEL = "sealer/v1/row-mac";
    public static final String ALGORITHM = "hmac-sha256";
    /** Bytes kept of the 32-byte HMAC: 128 bits. */
    public static final int TAG_LENGTH = 16;

    private final SecretBytes key;
    private final ThreadLocal<Mac> macs;

    private RowAuthenticator(SecretBytes key) {
        this.key = key;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The row key of {@code authority}, derived from the root (in production by HMAC inside the HSM). */
    public static RowAuthenticator derive(PseudoRandomKey root, String authority) {
        return new RowAuthenticator(DerivationInfo.deriveKey(root, LABEL, authority, ALGORITHM));
    }

    /** The authenticator of {@code message}. */
    public byte[] tag(RowMessage message) {
        return tag(message.bytes());
    }

    byte[] tag(byte[] message) {
        Mac mac = macs.get();
        return Arrays.copyOf(mac.doFinal(message), TAG_LENGTH);
    }

    /** Whether {@code stored} is this authority's authenticator of {@code message} (constant time; false for null). */
    public boolean verifies(RowMessage message, byte[] stored) {
        return stored != null && stored.length == TAG_LENGTH && MessageDigest.isEqual(tag(message), stored);
    }

    private Mac newMac() {
        byte[] k = key.reveal();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(k, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Wipes the key bytes (Mac instances already initialised keep their own copy until collected). */
    @Override
    public void close() {
        key.wipe();
    }
}
