package dev.sealer.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretBytesTest {

    private static final byte[] SECRET = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    @Test
    void toString_anyContent_showsOnlyLengthAndRedacted() {
        try (SecretBytes s = SecretBytes.copyOf(SECRET)) {
            String text = s.toString();
            assertEquals("SecretBytes[32 bytes, redacted]", text);
            String hex = HexFormat.of().formatHex(SECRET);
            assertFalse(text.contains(hex.substring(0, 8)));
            assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(SECRET).substring(0, 8)));
        }
    }

    @Test
    void wrap_takesOwnership_wipeZeroesCallersArray() {
        byte[] owned = SECRET.clone();
        SecretBytes s = SecretBytes.wrap(owned);
        s.wipe();
        assertArrayEquals(new byte[32], owned);
    }

    @Test
    void copyOf_callerArrayChanged_secretUnchanged() {
        byte[] mine = SECRET.clone();
        try (SecretBytes s = SecretBytes.copyOf(mine)) {
            mine[0] ^= 1;
            assertArrayEquals(SECRET, s.reveal());
        }
    }

    @Test
    void reveal_returnsFreshCopy_mutationDoesNotLeakBack() {
        try (SecretBytes s = SecretBytes.copyOf(SECRET)) {
            byte[] a = s.reveal();
            a[0] ^= 1;
            byte[] b = s.reveal();
            assertNotSame(a, b);
            assertArrayEquals(SECRET, b);
            assertEquals(32, s.length());
        }
    }

    @Test
    void reveal_afterWipeOrClose_throwsIllegalState() {
        SecretBytes s = SecretBytes.copyOf(SECRET);
        s.close();
        assertTrue(s.isWiped());
        assertThrows(IllegalStateException.class, s::reveal);
        s.wipe(); // idempotent
        assertEquals(32, s.length());
    }

    @Test
    void equals_sameContent_trueDifferentContentOrLength_false() {
        try (SecretBytes a = SecretBytes.copyOf(SECRET);
                SecretBytes b = SecretBytes.copyOf(SECRET);
                SecretBytes c = SecretBytes.copyOf(new byte[32]);
                SecretBytes d = SecretBytes.copyOf(new byte[31])) {
            assertEquals(a, b);
            assertNotEquals(a, c);
            assertNotEquals(a, d);
            assertNotEquals(a, (Object) SECRET);
        }
    }

    @Test
    void equals_afterWipe_notEqualToOthers() {
        SecretBytes a = SecretBytes.copyOf(SECRET);
        SecretBytes b = SecretBytes.copyOf(SECRET);
        a.wipe();
        assertNotEquals(a, b);
        assertNotEquals(b, a);
        assertEquals(a, a);
    }

    @Test
    void hashCode_differentContent_sameConstant() {
        try (SecretBytes a = SecretBytes.copyOf(SECRET); SecretBytes b = SecretBytes.copyOf(new byte[5])) {
            assertEquals(a.hashCode(), b.hashCode());
        }
    }
}
