package dev.sealer.core.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class Rfc6962Test {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void emptyRootIsSha256OfTheEmptyString() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HEX.formatHex(Rfc6962.emptyRoot()));
    }

    @Test
    void leafHashPrefixesZeroByte() {
        assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", HEX.formatHex(Rfc6962.leafHash(new byte[0])));
        assertEquals("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56",
                HEX.formatHex(Rfc6962.leafHash("L123456".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void nodeHashPrefixesOneByteAndIsOrderSensitive() {
        byte[] a = HEX.parseHex("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
        byte[] b = HEX.parseHex("3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d");
        assertEquals("1fdf7b651907a893865fdf1866cf251d60d527dfafa10a663514f4f9ee34ab22", HEX.formatHex(Rfc6962.nodeHash(a, b)));
        assertThrows(AssertionError.class, () -> assertArrayEquals(Rfc6962.nodeHash(a, b), Rfc6962.nodeHash(b, a)));
    }

    @Test
    void nodeHashRejectsChildrenThatAreNotHashes() {
        assertThrows(IllegalArgumentException.class, () -> Rfc6962.nodeHash(new byte[31], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> Rfc6962.nodeHash(new byte[32], new byte[33]));
        assertThrows(NullPointerException.class, () -> Rfc6962.leafHash(null));
    }

    @Test
    void emptyRootReturnsAFreshCopy() {
        Rfc6962.emptyRoot()[0] ^= 1;
        assertEquals((byte) 0xe3, Rfc6962.emptyRoot()[0]);
    }

    @Test
    void concurrentHashingGivesTheSameResultsAsSequential() throws Exception {
        List<byte[]> expected = IntStream.range(0, 2000).mapToObj(i -> Rfc6962.leafHash(new byte[] {(byte) i, (byte) (i >> 8)})).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<byte[]>> got = IntStream.range(0, 2000)
                    .mapToObj(i -> pool.submit(() -> Rfc6962.leafHash(new byte[] {(byte) i, (byte) (i >> 8)}))).toList();
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), got.get(i).get());
            }
        }
    }
}
