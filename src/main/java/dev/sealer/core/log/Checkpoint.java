package dev.sealer.core.log;

import dev.sealer.core.log.NoteException.Detail;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the body of the signed note that is a
 * log's signed tree head.
 *
 * <pre>
 * &lt;origin&gt;
 * &lt;tree size, decimal, no leading zeros&gt;
 * &lt;base64 RFC 6962 root hash&gt;
 * [&lt;extension line&gt;...]
 * </pre>
 *
 * Every line ends with a newline and is non-empty. Sealer is stricter than the spec's SHOULD
 * for the origin: it may not contain Unicode spaces or '+' (it is also the key name of the
 * log's signatures). The root hash is 32 bytes (SHA-256) in canonical padded base64.
 *
 * @param origin the log identity, e.g. {@code sealer.example/log}
 * @param size number of leaves, >= 0
 * @param rootHash root of the tree at {@code size}, 32 bytes (defensively copied)
 * @param extensions optional extension lines, each non-empty (usually none)
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {

    private static final int ROOT_HASH_SIZE = 32;

    public Checkpoint {
        if (!SignedNote.isValidKeyName(origin)) {
            throw new IllegalArgumentException(
                    "origin must be non-empty without spaces, '+' or control characters");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        Objects.requireNonNull(rootHash, "rootHash");
        if (rootHash.length != ROOT_HASH_SIZE) {
            throw new IllegalArgumentException("root hash must be 32 bytes, got " + rootHash.length);
        }
        rootHash = rootHash.clone();
        extensions = List.copyOf(extensions);
        for (String ext : extensions) {
            if (ext.isEmpty() || ext.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("extension lines must be non-empty single lines");
            }
            try {
                SignedNote.encodeUtf8(ext);
                SignedNote.checkChars(ext);
            } catch (NoteException e) {
                throw new IllegalArgumentException("extension line: " + e.getMessage(), e);
            }
        }
    }

    /** A checkpoint without extension lines. */
    public static Checkpoint of(String origin, long size, byte[] rootHash) {
        return new Checkpoint(origin, size, rootHash, List.of());
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The exact note text, UTF-8: what is signed. */
    public byte[] body() {
        StringBuilder sb = new StringBuilder()
                .append(origin).append('\n')
                .append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
        extensions.forEach(e -> sb.append(e).append('\n'));
        return SignedNote.encodeUtf8(sb.toString());
    }

    /**
     * Parses a checkpoint body given as UTF-8 bytes, e.g. what {@link SignedNote#open} returned.
     *
     * @throws NoteException ({@link Detail#MALFORMED_CHECKPOINT}) if it is not exactly a body
     *     this class would produce
     */
    public static Checkpoint parse(byte[] body) {
        Objects.requireNonNull(body, "body");
        if (body.length > SignedNote.MAX_BODY_BYTES) {
            throw bad("checkpoint exceeds " + SignedNote.MAX_BODY_BYTES + " bytes");
        }
        String text;
        try {
            text = SignedNote.decodeUtf8(body);
        } catch (NoteException e) {
            throw bad(e.getMessage());
        }
        return parse(text);
    }

    /**
     * Parses a checkpoint body (the note text, final newline included, no signatures).
     *
     * @throws NoteException ({@link Detail#MALFORMED_CHECKPOINT}) if it is not exactly a body
     *     this class would produce
     */
    public static Checkpoint parse(String body) {
        Objects.requireNonNull(body, "body");
        try {
            if (SignedNote.encodeUtf8(body).length > SignedNote.MAX_BODY_BYTES) {
                throw bad("checkpoint exceeds " + SignedNote.MAX_BODY_BYTES + " bytes");
            }
            SignedNote.checkChars(body);
        } catch (NoteException e) {
            throw e.detail() == Detail.MALFORMED_CHECKPOINT ? e : bad(e.getMessage());
        }
        if (!body.endsWith("\n")) {
            throw bad("checkpoint does not end with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw bad("checkpoint needs origin, size and root hash lines");
        }
        for (String line : lines) {
            if (line.isEmpty()) {
                throw bad("checkpoint has an empty line");
            }
        }
        if (!SignedNote.isValidKeyName(lines[0])) {
            throw bad("invalid origin line");
        }
        long size = parseSize(lines[1]);
        byte[] root = SignedNote.decodeCanonicalBase64(lines[2]);
        if (root == null || root.length != ROOT_HASH_SIZE) {
            throw bad("root hash is not canonical base64 of 32 bytes");
        }
        List<String> ext = new ArrayList<>(Arrays.asList(lines).subList(3, lines.length));
        return new Checkpoint(lines[0], size, root, ext);
    }

    private static long parseSize(String s) {
        if (s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')
                || (s.length() > 1 && s.charAt(0) == '0')) {
            throw bad("tree size is not a decimal number without leading zeros");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad("tree size out of range");
        }
    }

    private static NoteException bad(String message) {
        return new NoteException(Detail.MALFORMED_CHECKPOINT, message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && origin.equals(c.origin) && size == c.size
                && Arrays.equals(rootHash, c.rootHash) && extensions.equals(c.extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size, Arrays.hashCode(rootHash), extensions);
    }

    @Override
    public String toString() {
        return "Checkpoint[origin=" + origin + ", size=" + size + ", rootHash="
                + HexFormat.of().formatHex(rootHash) + ", extensions=" + extensions + "]";
    }
}
