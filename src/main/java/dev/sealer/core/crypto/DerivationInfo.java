package dev.sealer.core.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The canonical HKDF {@code info} for deriving a key seed from the root secret.
 *
 * <pre>
 * info = len(label) || label || len(suiteId) || suiteId || len(alg) || alg
 * len  = 2-byte big-endian length of the UTF-8 bytes that follow (1..255)
 * </pre>
 *
 * Length prefixes make the encoding injective: no two distinct (label, suite, algorithm)
 * triples share an {@code info}, so every triple gets an independent seed.
 */
public final class DerivationInfo {

    /** Label for operational (per-suite signing) key seeds. */
    public static final String OPERATIONAL_KEY_LABEL = "sealer/v1/op-key";
    /** Label for root attestation keys (used where the HSM cannot hold the algorithm). */
    public static final String ROOT_ATTESTATION_LABEL = "sealer/v1/root-attest";
    /** Length of every derived seed. */
    public static final int SEED_LENGTH = 32;
    /** Maximum UTF-8 length of one field. */
    public static final int MAX_FIELD_LENGTH = 255;

    private static final Pattern SUITE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private DerivationInfo() {
    }

    /** @throws IllegalArgumentException on an empty or over-long field or a malformed suite id */
    public static byte[] encode(String label, String suiteId, SignatureAlgorithm alg) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(suiteId, "suiteId");
        Objects.requireNonNull(alg, "alg");
        if (!SUITE_ID.matcher(suiteId).matches()) {
            throw new IllegalArgumentException("suite id must match [a-z0-9][a-z0-9-]{0,62}");
        }
        return encode(label, suiteId, alg.id());
    }

    /**
     * The same encoding for a key that is not a suite's: {@code context} names what the key is
     * scoped to (e.g. the authority for the row key) and {@code algorithm} what it is for.
     */
    public static byte[] encode(String label, String context, String algorithm) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(algorithm, "algorithm");
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        field(out, "label", label);
        field(out, "context", context);
        field(out, "algorithm", algorithm);
        return out.toByteArray();
    }

    /** {@code Hkdf.expandOnly(root, encode(label, context, algorithm), 32)}: a 32-byte key that is not a suite's. */
    public static SecretBytes deriveKey(PseudoRandomKey root, String label, String context, String algorithm) {
        return Hkdf.expandOnly(root, encode(label, context, algorithm), SEED_LENGTH);
    }

    /** {@code Hkdf.expandOnly(root, encode(label, suiteId, alg), 32)}. */
    public static SecretBytes deriveSeed(PseudoRandomKey root, String label, String suiteId, SignatureAlgorithm alg) {
        return Hkdf.expandOnly(root, encode(label, suiteId, alg), SEED_LENGTH);
    }

    private static void field(ByteArrayOutputStream out, String name, String value) {
        byte[] b;
        try {
            // strict: an unpaired surrogate must not silently become '?' (that would break injectivity)
            java.nio.ByteBuffer buf = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(java.nio.CharBuffer.wrap(value));
            b = new byte[buf.remaining()];
            buf.get(b);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + " is not valid Unicode", e);
        }
        if (b.length == 0) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        if (b.length > MAX_FIELD_LENGTH) {
            throw new IllegalArgumentException(name + " is longer than " + MAX_FIELD_LENGTH + " bytes");
        }
        out.write(b.length >>> 8);
        out.write(b.length & 0xff);
        out.write(b, 0, b.length);
    }
}
