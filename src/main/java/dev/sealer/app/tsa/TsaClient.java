package dev.sealer.app.tsa;

/** Where checkpoint tokens come from: the built-in TSA, or an external one reached by URL. The code path after it is the same. */
public interface TsaClient {
    /** The name the trust bundle knows this TSA by. */
    String name();

    /**
     * A DER time-stamp token over the SHA-256 {@code imprint}, with {@code nonce} and the TSA's
     * certificate requested. Throws SealerException (TSA_UNAVAILABLE, HSM_UNAVAILABLE, ...) when none can be had now.
     */
    byte[] timestamp(byte[] imprint, java.math.BigInteger nonce);
}
