package dev.sealer.core.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealer.core.log.NoteException.Detail;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointTest {

    private static final byte[] ROOT = Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");

    @Test
    void bodyIsOriginSizeAndBase64RootOnePerLine() {
        Checkpoint c = Checkpoint.of("example.com/behind-the-sofa", 20852163, ROOT);
        assertEquals("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
                new String(c.body(), StandardCharsets.UTF_8));
    }

    @Test
    void specExampleBodyParsesAndRoundTrips() {
        String text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        Checkpoint c = Checkpoint.parse(text);
        assertEquals("example.com/behind-the-sofa", c.origin());
        assertEquals(20852163, c.size());
        assertArrayEquals(ROOT, c.rootHash());
        assertEquals(List.of(), c.extensions());
        assertEquals(text, new String(c.body(), StandardCharsets.UTF_8));
        assertEquals(c, Checkpoint.parse(c.body()));
    }

    @Test
    void extensionLinesAndEmptyTreeRoundTrip() {
        Checkpoint c = new Checkpoint("sealer.example/log", 0, ROOT, List.of("ext one", "ext-two"));
        Checkpoint back = Checkpoint.parse(new String(c.body(), StandardCharsets.UTF_8));
        assertEquals(c, back);
        assertEquals(List.of("ext one", "ext-two"), back.extensions());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "o\n007\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",          // leading zeros
        "o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",           // negative
        "o\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",           // sign
        "o\n 5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",           // space
        "o\n\u0665\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",       // non-ASCII digit
        "o\n9223372036854775808\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", // > long
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",              // no final newline
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",          // trailing empty line
        "o\n5\n\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",          // empty line
        "o\n5\n",                                                          // no root
        "\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",             // empty origin
        "my log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",       // space in origin
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",             // unpadded base64
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=AAAA\n",        // 35-byte root
        "o\n5\nAAAA\n",                                                    // short root
        "o\r\n5\r\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\r\n",      // CRLF
        "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\u0007\n", // control char
    })
    void strictParseRejectsMalformedBodies(String body) {
        NoteException e = assertThrows(NoteException.class, () -> Checkpoint.parse(body));
        assertEquals(Detail.MALFORMED_CHECKPOINT, e.detail());
    }

    @Test
    void parseRejectsInvalidUtf8Bytes() {
        byte[] bad = "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n".getBytes(StandardCharsets.UTF_8);
        bad[0] = (byte) 0xC3; // truncated 2-byte sequence
        assertEquals(Detail.MALFORMED_CHECKPOINT, assertThrows(NoteException.class, () -> Checkpoint.parse(bad)).detail());
    }

    @Test
    void constructorValidatesFieldsAndCopiesTheRoot() {
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.of("", 1, ROOT));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.of("a+b", 1, ROOT));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.of("o", -1, ROOT));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.of("o", 1, new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint("o", 1, ROOT, List.of("")));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint("o", 1, ROOT, List.of("a\nb")));
        byte[] root = ROOT.clone();
        Checkpoint c = Checkpoint.of("o", 1, root);
        root[0] ^= 1;
        c.rootHash()[1] ^= 1;
        assertArrayEquals(ROOT, c.rootHash());
    }
}
