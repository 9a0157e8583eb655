package dev.sealer.core.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.log.NoteException.Detail;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Dual-signed checkpoints as C2SP signed notes, with the JDK's Ed25519 and ML-DSA-65. */
class SignedNoteTest {

    private static final String ORIGIN = "sealer.example/log";
    private static final TestNoteKeys.Key ED = TestNoteKeys.ed25519(ORIGIN);
    private static final TestNoteKeys.Key ML = TestNoteKeys.mlDsa65(ORIGIN);
    private static final List<NoteVerifier> BOTH = List.of(ED, ML);
    private static final Checkpoint CP = Checkpoint.of(ORIGIN, 1234, Base64.getDecoder()
            .decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
    private static final String NOTE = SignedNote.sign(CP.body(), List.of(ED, ML));

    @Test
    void dualSignedCheckpointRoundTrips() {
        byte[] body = SignedNote.open(NOTE, BOTH);
        assertArrayEquals(CP.body(), body);
        assertEquals(CP, Checkpoint.parse(body));
        assertArrayEquals(CP.body(), SignedNote.open(NOTE.getBytes(StandardCharsets.UTF_8), BOTH));
    }

    @Test
    void signedTextIsBodyBlankLineThenOneEmDashLinePerSigner() {
        String[] parts = NOTE.split("\n", -1);
        assertEquals(new String(CP.body(), StandardCharsets.UTF_8), NOTE.substring(0, NOTE.indexOf("\n\n") + 1));
        assertEquals("", parts[3]);
        assertTrue(parts[4].startsWith("\u2014 " + ORIGIN + " "));
        assertTrue(parts[5].startsWith("\u2014 " + ORIGIN + " "));
        assertEquals("", parts[6]);
        assertEquals(7, parts.length);
        byte[] first = Base64.getDecoder().decode(parts[4].substring(parts[4].lastIndexOf(' ') + 1));
        assertArrayEquals(ED.keyId(), java.util.Arrays.copyOf(first, 4));
        assertEquals(4 + 64, first.length);
        byte[] second = Base64.getDecoder().decode(parts[5].substring(parts[5].lastIndexOf(' ') + 1));
        assertEquals(4 + 3309, second.length);
    }

    @Test
    void strippedSignatureFailsEvenThoughTheOtherVerifies() {
        String onlyEd = removeLine(NOTE, 5);
        assertFails(Detail.MISSING_SIGNATURE, () -> SignedNote.open(onlyEd, BOTH));
        String onlyMl = removeLine(NOTE, 4);
        assertFails(Detail.MISSING_SIGNATURE, () -> SignedNote.open(onlyMl, BOTH));
        assertArrayEquals(CP.body(), SignedNote.open(onlyEd, List.of(ED)));
    }

    @Test
    void alteredBodyFails() {
        String tampered = NOTE.replaceFirst("sealer\\.example/log\n", "sealer.example/lag\n");
        assertFails(Detail.INVALID_SIGNATURE, () -> SignedNote.open(tampered, BOTH));
    }

    @Test
    void alteredTreeSizeFails() {
        String tampered = NOTE.replaceFirst("\n1234\n", "\n1235\n");
        assertFails(Detail.INVALID_SIGNATURE, () -> SignedNote.open(tampered, BOTH));
    }

    @Test
    void alteredSignatureByteFails() {
        String[] lines = NOTE.split("\n", -1);
        String line = lines[4];
        byte[] blob = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
        blob[10] ^= 1;
        lines[4] = line.substring(0, line.lastIndexOf(' ') + 1) + Base64.getEncoder().encodeToString(blob);
        assertFails(Detail.INVALID_SIGNATURE, () -> SignedNote.open(String.join("\n", lines), BOTH));
    }

    @Test
    void wrongKeyIdMeansTheSignatureIsNotFound() {
        byte[] otherId = ED.keyId();
        otherId[0] ^= 1;
        assertFails(Detail.MISSING_SIGNATURE, () -> SignedNote.open(NOTE, List.of(ED.withKeyId(otherId), ML)));
        // A line whose key id was rewritten belongs to an unknown key: ignored, so missing.
        String[] lines = NOTE.split("\n", -1);
        String line = lines[4];
        byte[] blob = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
        blob[0] ^= 1;
        lines[4] = line.substring(0, line.lastIndexOf(' ') + 1) + Base64.getEncoder().encodeToString(blob);
        assertFails(Detail.MISSING_SIGNATURE, () -> SignedNote.open(String.join("\n", lines), BOTH));
    }

    @Test
    void signaturesFromUnknownKeysAreIgnored() {
        TestNoteKeys.Key witness = TestNoteKeys.ed25519("witness.example/w1");
        TestNoteKeys.Key sameNameOtherKey = TestNoteKeys.ed25519(ORIGIN);
        String note = SignedNote.sign(CP.body(), List.of(witness, ED, sameNameOtherKey, ML));
        assertArrayEquals(CP.body(), SignedNote.open(note, BOTH));
    }

    @Test
    void duplicateSignatureFromAKnownKeyFails() {
        String[] lines = NOTE.split("\n", -1);
        String dup = NOTE + lines[4] + "\n";
        assertFails(Detail.MALFORMED_NOTE, () -> SignedNote.open(dup, BOTH));
    }

    @Test
    void extraGarbageAnywhereFails() {
        String body = new String(CP.body(), StandardCharsets.UTF_8);
        String sigs = NOTE.substring(body.length() + 1);
        List<String> bad = new ArrayList<>(List.of(
                NOTE + "garbage\n",                                  // trailing line
                NOTE + "garbage",                                    // no final newline
                NOTE.substring(0, NOTE.length() - 1),                // last newline removed
                NOTE + "\n",                                         // blank line after signatures
                body + "\n\n" + sigs,                                // two blank lines
                body + sigs,                                         // no blank line
                "garbage\n" + NOTE.replaceFirst("\n\n", "\n") + "", // body gains a line
                body + "\n" + sigs.replaceFirst("\u2014 ", "- "),    // hyphen, not em dash
                body + "\n" + sigs.replaceFirst("\u2014 ", "\u2014  "), // empty key name
                body + "\n" + sigs.replaceFirst("=\n", "\n"),        // unpadded base64
                body + "\n" + sigs.replaceFirst("\n", " extra\n"),   // extra field
                body + "\n\u2014 " + ORIGIN + " AAAA\n" + sigs,      // signature of 3 bytes: no room for sig
                body.replace("1234", "12\u000734") + "\n" + sigs,    // control character
                body + "\r\n" + sigs,                                // CR
                "\n" + "\n" + sigs,                                  // empty body
                body + "\n"));                                       // no signatures
        for (int i = 0; i < bad.size(); i++) {
            String note = bad.get(i);
            NoteException e = assertThrows(NoteException.class, () -> SignedNote.open(note, BOTH), "case " + i);
            assertTrue(e.detail() != null, "case " + i);
        }
        // The structural cases are reported as malformed, not as bad signatures.
        for (int i : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15}) {
            String note = bad.get(i);
            assertFails(Detail.MALFORMED_NOTE, () -> SignedNote.open(note, BOTH));
        }
    }

    @Test
    void invalidUtf8AndOversizedNotesAreMalformed() {
        byte[] bytes = NOTE.getBytes(StandardCharsets.UTF_8);
        bytes[3] = (byte) 0xFF;
        assertFails(Detail.MALFORMED_NOTE, () -> SignedNote.open(bytes, BOTH));
        assertFails(Detail.MALFORMED_NOTE, () -> SignedNote.open("a\uD800\n\n" + NOTE.substring(NOTE.indexOf("\n\n") + 2), BOTH));
        String big = "x".repeat(SignedNote.MAX_BODY_BYTES) + "\n";
        assertFails(Detail.MALFORMED_NOTE, () -> SignedNote.open(big + "\n" + NOTE.substring(NOTE.indexOf("\n\n") + 2), BOTH));
        String manyUnknown = NOTE + ("\u2014 other.example/k AAAAAAA=\n").repeat(SignedNote.MAX_SIGNATURES);
        assertFails(Detail.MALFORMED_NOTE, () -> SignedNote.open(manyUnknown, BOTH));
    }

    @Test
    void signRejectsBodiesThatCouldNotBeOpened() {
        for (String body : new String[] {"", "\n", "no newline", "ends blank\n\n", "bell\u0007\n"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> SignedNote.sign(body.getBytes(StandardCharsets.UTF_8), List.of(ED)), body);
        }
        assertThrows(IllegalArgumentException.class, () -> SignedNote.sign(CP.body(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> SignedNote.sign(CP.body(), List.of(ED, ED)));
        assertThrows(IllegalArgumentException.class, () -> SignedNote.open(NOTE, List.of()));
        assertThrows(IllegalArgumentException.class, () -> SignedNote.sign(CP.body(), List.of(TestNoteKeys.ed25519("has space"))));
    }

    @Test
    void specExampleVerifiesWithTheSpecVerifierKey() throws Exception {
        // c2sp.org/signed-note example: vkey example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k
        byte[] typeAndKey = Base64.getDecoder().decode("AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
        assertEquals(SignedNote.TYPE_ED25519, typeAndKey[0]);
        byte[] pk = java.util.Arrays.copyOfRange(typeAndKey, 1, 33);
        byte[] id = SignedNote.keyId("example.com/foo", SignedNote.TYPE_ED25519, pk);
        assertEquals("530d903a", HexFormat.of().formatHex(id));
        String note = "This is an example message.\n\n\u2014 example.com/foo "
                + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
        byte[] body = SignedNote.open(note, List.of(TestNoteKeys.ed25519Verifier("example.com/foo", id, pk)));
        assertEquals("This is an example message.\n", new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void mlDsaKeyIdUsesTheExtendedTypeWithAParameterSetIdentifier() {
        byte[] pk = new byte[1952];
        byte[] ident = "sealer.dev/ml-dsa-65".getBytes(StandardCharsets.US_ASCII);
        byte[] material = java.util.Arrays.copyOf(ident, ident.length + pk.length);
        assertArrayEquals(SignedNote.keyId("n", SignedNote.TYPE_EXTENDED, material), SignedNote.mlDsaKeyId("n", "ml-dsa-65", pk));
        assertTrue(!java.util.Arrays.equals(SignedNote.mlDsaKeyId("n", "ml-dsa-44", pk), SignedNote.mlDsaKeyId("n", "ml-dsa-65", pk)));
        assertThrows(IllegalArgumentException.class, () -> SignedNote.mlDsaKeyId("n", "ML-DSA-65", pk));
    }

    private static String removeLine(String note, int index) {
        List<String> lines = new ArrayList<>(List.of(note.split("\n", -1)));
        lines.remove(index);
        return String.join("\n", lines);
    }

    private static void assertFails(Detail detail, Executable r) {
        NoteException e = assertThrows(NoteException.class, r);
        assertEquals(detail, e.detail(), e.getMessage());
    }
}
