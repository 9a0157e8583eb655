package dev.sealer.core.crypto;

import java.nio.charset.StandardCharsets;

/**
 * Domain-separated messages: a fixed prefix naming protocol and purpose, then the canonical
 * bytes. Both algorithms of a suite sign the same message (pure Ed25519, pure ML-DSA).
 */
public final class SignedMessage {
    public static final String RECEIPT = "sealer/v1/receipt\n";
    public static final String SUITE_CERTIFICATE = "sealer/v1/suite-certificate\n";
    public static final String REVOCATION = "sealer/v1/revocation\n";
    public static final String EVIDENCE = "sealer/v1/evidence\n";
    public static final String ROOT_CROSS_CERTIFICATE = "sealer/v1/root-cross-certificate\n";
    public static final String CEREMONY_TRANSCRIPT = "sealer/v1/ceremony-transcript\n";

    private SignedMessage() {
    }

    public static byte[] of(String domain, byte[] canonical) {
        byte[] prefix = domain.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + canonical.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(canonical, 0, out, prefix.length, canonical.length);
        return out;
    }

    public static byte[] receipt(byte[] canonicalReceipt) {
        return of(RECEIPT, canonicalReceipt);
    }
}
