package dev.sealer.core.log;

import dev.sealer.core.log.NoteException.Detail;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The C2SP signed-note format (c2sp.org/signed-note): a UTF-8 text ending in a newline, one
 * blank line, then one or more signature lines
 * {@code "— <key name> <base64(4-byte key id || signature)>\n"} (U+2014 em dash).
 *
 * <h2>Key ids</h2>
 * {@code keyId = SHA-256(key name || 0x0A || signature type || public key)[:4]}, as the spec
 * recommends. Ed25519 uses its assigned type {@link #TYPE_ED25519} (0x01) with the 32-byte RFC
 * 8032 public key. Plain ML-DSA signatures over the note text have no assigned type byte (0x06
 * is the <em>timestamped cosignature</em> format of c2sp.org/tlog-cosignature, a different
 * signed message), so, following the spec's rule for unassigned types, Sealer uses
 * {@link #TYPE_EXTENDED} (0xff) followed by a longer identifier unlikely to collide: the ASCII
 * string {@code "sealer.dev/ml-dsa-44"}, {@code "-65"} or {@code "-87"} naming the FIPS 204
 * parameter set, then the raw FIPS 204 public key. See {@link #mlDsaKeyId}.
 *
 * <h2>Strictness</h2>
 * Notes are rejected ({@link NoteException}) when they are not valid UTF-8, contain control
 * characters other than newline (C0, DEL and C1: stricter than the spec's C0 rule), exceed
 * {@link #MAX_NOTE_BYTES} / {@link #MAX_BODY_BYTES} / {@link #MAX_SIGNATURES}, have an empty
 * body, a body that does not end in a newline or ends in a blank line (so exactly one blank
 * line separates body and signatures), or any line after the separator that is not a
 * well-formed signature line (canonical padded base64, at least one signature byte).
 *
 * <p>{@link #open} demands a valid signature from <em>every</em> given verifier, so stripping
 * one of the dual signatures fails. Lines whose (key name, key id) pair matches no verifier are
 * ignored, as the spec requires. A known key that signs twice, or whose signature fails, rejects
 * the whole note.
 */
public final class SignedNote {

    /** Signature type byte for Ed25519 (assigned by the signed-note spec). */
    public static final byte TYPE_ED25519 = 0x01;
    /** Signature type byte for types without an assigned byte; followed by a longer identifier. */
    public static final byte TYPE_EXTENDED = (byte) 0xff;
    /** Maximum UTF-8 size of a note body. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Maximum number of signature lines (the spec requires accepting at least 16). */
    public static final int MAX_SIGNATURES = 32;
    /** Maximum size of one signature, key id excluded (ML-DSA-87 signatures are 4627 bytes). */
    public static final int MAX_SIGNATURE_BYTES = 8 * 1024;
    /** Maximum UTF-8 size of a whole signed note. */
    public static final int MAX_NOTE_BYTES = 512 * 1024;

    private static final String SIG_PREFIX = "\u2014 ";
    private static final int KEY_ID_SIZE = 4;

    private SignedNote() {}

    /**
     * The recommended 4-byte key id: SHA-256(name || 0x0A || type || publicKey)[:4].
     *
     * @param publicKey the public key encoding for the type (for {@link #TYPE_EXTENDED}, the
     *     identifier followed by the key)
     */
    public static byte[] keyId(String name, byte type, byte[] publicKey) {
        requireKeyName(name);
        Objects.requireNonNull(publicKey, "publicKey");
        MessageDigest md = sha256();
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x0A);
        md.update(type);
        md.update(publicKey);
        return Arrays.copyOf(md.digest(), KEY_ID_SIZE);
    }

    /**
     * Key id of a Sealer ML-DSA note key: type {@link #TYPE_EXTENDED}, then the ASCII identifier
     * {@code "sealer.dev/" + parameterSet}, then the FIPS 204 public key.
     *
     * @param parameterSet one of {@code "ml-dsa-44"}, {@code "ml-dsa-65"}, {@code "ml-dsa-87"}
     */
    public static byte[] mlDsaKeyId(String name, String parameterSet, byte[] publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        if (!List.of("ml-dsa-44", "ml-dsa-65", "ml-dsa-87").contains(parameterSet)) {
            throw new IllegalArgumentException("unknown ML-DSA parameter set: " + parameterSet);
        }
        byte[] id = ("sealer.dev/" + parameterSet).getBytes(StandardCharsets.US_ASCII);
        byte[] material = Arrays.copyOf(id, id.length + publicKey.length);
        System.arraycopy(publicKey, 0, material, id.length, publicKey.length);
        return keyId(name, TYPE_EXTENDED, material);
    }

    /**
     * Signs {@code body} with every signer, in order.
     *
     * @return the signed note text
     * @throws IllegalArgumentException if the body is not valid note text, or a signer has an
     *     invalid name or id, is listed twice, or returns an empty or oversized signature
     */
    public static String sign(byte[] body, List<NoteSigner> signers) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(signers, "signers");
        String text;
        try {
            text = decodeUtf8(body);
            checkBody(text, body.length);
        } catch (NoteException e) {
            throw new IllegalArgumentException("invalid note body: " + e.getMessage(), e);
        }
        if (signers.isEmpty() || signers.size() > MAX_SIGNATURES) {
            throw new IllegalArgumentException("need 1.." + MAX_SIGNATURES + " signers, got " + signers.size());
        }
        StringBuilder out = new StringBuilder(text).append('\n');
        List<String> seen = new ArrayList<>();
        for (NoteSigner signer : signers) {
            String name = signer.keyName();
            byte[] id = signer.keyId();
            requireKeyName(name);
            requireKeyId(id);
            String key = name + "+" + HexFormat.of().formatHex(id);
            if (seen.contains(key)) {
                throw new IllegalArgumentException("signer listed twice: " + key);
            }
            seen.add(key);
            byte[] sig = signer.sign(body.clone());
            if (sig == null || sig.length == 0 || sig.length > MAX_SIGNATURE_BYTES) {
                throw new IllegalArgumentException("signer " + key + " returned an empty or oversized signature");
            }
            byte[] blob = Arrays.copyOf(id, KEY_ID_SIZE + sig.length);
            System.arraycopy(sig, 0, blob, KEY_ID_SIZE, sig.length);
            out.append(SIG_PREFIX).append(name).append(' ')
                    .append(Base64.getEncoder().encodeToString(blob)).append('\n');
        }
        String note = out.toString();
        if (note.getBytes(StandardCharsets.UTF_8).length > MAX_NOTE_BYTES) {
            throw new IllegalArgumentException("signed note exceeds " + MAX_NOTE_BYTES + " bytes");
        }
        return note;
    }

    /**
     * Verifies a signed note given as UTF-8 bytes; see {@link #open(String, List)}.
     *
     * @throws NoteException if the bytes are not valid UTF-8 or the note does not open
     */
    public static byte[] open(byte[] note, List<NoteVerifier> verifiers) {
        Objects.requireNonNull(note, "note");
        if (note.length > MAX_NOTE_BYTES) {
            throw malformed("note exceeds " + MAX_NOTE_BYTES + " bytes");
        }
        return open(decodeUtf8(note), verifiers);
    }

    /**
     * Verifies a signed note and returns its body, the exact signed text.
     *
     * @param verifiers the keys that must all have signed; other keys' lines are ignored
     * @return the note body (UTF-8, final newline included)
     * @throws NoteException if the note is malformed, a verifier's signature is missing, or a
     *     known key's signature is invalid
     * @throws IllegalArgumentException if {@code verifiers} is empty, or lists a key twice or
     *     with an invalid name or id
     */
    public static byte[] open(String note, List<NoteVerifier> verifiers) {
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(verifiers, "verifiers");
        checkVerifiers(verifiers);
        byte[] noteBytes = encodeUtf8(note);
        if (noteBytes.length > MAX_NOTE_BYTES) {
            throw malformed("note exceeds " + MAX_NOTE_BYTES + " bytes");
        }
        checkChars(note);
        if (!note.endsWith("\n")) {
            throw malformed("note does not end with a newline");
        }
        int sep = note.lastIndexOf("\n\n");
        if (sep < 0) {
            throw malformed("no blank line before the signatures");
        }
        String body = note.substring(0, sep + 1);
        byte[] bodyBytes = encodeUtf8(body);
        checkBody(body, bodyBytes.length);

        String[] lines = note.substring(sep + 2).split("\n", -1); // last element is ""
        int count = lines.length - 1;
        if (count == 0) {
            throw malformed("no signature lines");
        }
        if (count > MAX_SIGNATURES) {
            throw malformed("more than " + MAX_SIGNATURES + " signature lines");
        }
        boolean[] verified = new boolean[verifiers.size()];
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            if (!line.startsWith(SIG_PREFIX)) {
                throw malformed("signature line " + (i + 1) + " does not start with an em dash and a space");
            }
            int space = line.indexOf(' ', SIG_PREFIX.length());
            if (space < 0) {
                throw malformed("signature line " + (i + 1) + " has no signature");
            }
            String name = line.substring(SIG_PREFIX.length(), space);
            if (!isValidKeyName(name)) {
                throw malformed("signature line " + (i + 1) + " has an invalid key name");
            }
            byte[] blob = decodeCanonicalBase64(line.substring(space + 1));
            if (blob == null || blob.length <= KEY_ID_SIZE || blob.length > KEY_ID_SIZE + MAX_SIGNATURE_BYTES) {
                throw malformed("signature line " + (i + 1) + " has an invalid signature encoding");
            }
            byte[] id = Arrays.copyOf(blob, KEY_ID_SIZE);
            for (int v = 0; v < verifiers.size(); v++) {
                NoteVerifier verifier = verifiers.get(v);
                if (!verifier.keyName().equals(name) || !Arrays.equals(verifier.keyId(), id)) {
                    continue; // unknown key (name or id differs): ignored
                }
                if (verified[v]) {
                    throw malformed("key " + name + " signed the note twice");
                }
                byte[] sig = Arrays.copyOfRange(blob, KEY_ID_SIZE, blob.length);
                if (!verifier.verify(bodyBytes.clone(), sig)) {
                    throw new NoteException(Detail.INVALID_SIGNATURE, "invalid signature from key " + name);
                }
                verified[v] = true;
            }
        }
        for (int v = 0; v < verifiers.size(); v++) {
            if (!verified[v]) {
                throw new NoteException(Detail.MISSING_SIGNATURE,
                        "no signature from required key " + verifiers.get(v).keyName());
            }
        }
        return bodyBytes;
    }

    // ---- shared text rules (also used by Checkpoint) ----

    /** Strict UTF-8 decoding: malformed or unmappable input is rejected, not replaced. */
    static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("not valid UTF-8");
        }
    }

    /** Strict UTF-8 encoding: unpaired surrogates are rejected. */
    static byte[] encodeUtf8(String s) {
        try {
            ByteBuffer buf = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw malformed("not valid Unicode (unpaired surrogate)");
        }
    }

    /** Rejects every control character except newline. */
    static void checkChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\n' && Character.isISOControl(c)) {
                throw malformed("control character U+" + String.format("%04X", (int) c));
            }
        }
    }

    static boolean isValidKeyName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        return name.codePoints().noneMatch(cp -> cp == '+' || Character.isWhitespace(cp)
                || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE));
    }

    /** Standard base64 with padding, in its one canonical spelling; null if not. */
    static byte[] decodeCanonicalBase64(String s) {
        byte[] out;
        try {
            out = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return Base64.getEncoder().encodeToString(out).equals(s) ? out : null;
    }

    static NoteException malformed(String message) {
        return new NoteException(Detail.MALFORMED_NOTE, message);
    }

    private static void checkBody(String body, int utf8Length) {
        encodeUtf8(body);
        checkChars(body);
        if (utf8Length > MAX_BODY_BYTES) {
            throw malformed("note body exceeds " + MAX_BODY_BYTES + " bytes");
        }
        if (body.isEmpty() || body.equals("\n")) {
            throw malformed("empty note body");
        }
        if (!body.endsWith("\n")) {
            throw malformed("note body does not end with a newline");
        }
        if (body.endsWith("\n\n")) {
            throw malformed("note body ends with a blank line");
        }
    }

    private static void checkVerifiers(List<NoteVerifier> verifiers) {
        if (verifiers.isEmpty()) {
            throw new IllegalArgumentException("at least one verifier is required");
        }
        for (int i = 0; i < verifiers.size(); i++) {
            NoteVerifier a = verifiers.get(i);
            requireKeyName(a.keyName());
            requireKeyId(a.keyId());
            for (int j = 0; j < i; j++) {
                NoteVerifier b = verifiers.get(j);
                if (a.keyName().equals(b.keyName()) && Arrays.equals(a.keyId(), b.keyId())) {
                    throw new IllegalArgumentException("verifier listed twice: " + a.keyName());
                }
            }
        }
    }

    private static void requireKeyName(String name) {
        if (!isValidKeyName(name)) {
            throw new IllegalArgumentException(
                    "key name must be non-empty without spaces, '+' or control characters: " + name);
        }
    }

    private static void requireKeyId(byte[] id) {
        if (id == null || id.length != KEY_ID_SIZE) {
            throw new IllegalArgumentException("key id must be " + KEY_ID_SIZE + " bytes");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
