package dev.sealer.core.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealer.core.json.CanonicalJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The receipt's hand-ordered canonical writer produces exactly the general RFC 8785 writer's bytes. */
class ReceiptCanonicalBytesTest {
    private static final String CHARS = "aZ09 ._-/:\"\\\u0001\u007f\u00e9\u4e2d\ud83d\ude00\t\n";

    private static String text(int max) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(max);
        while (b.length() < n) {
            int i = r.nextInt(CHARS.length());
            char c = CHARS.charAt(i);
            if (Character.isHighSurrogate(c)) {
                b.append(c).append(CHARS.charAt(i + 1));
            } else if (!Character.isLowSurrogate(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Test
    void canonicalBytes_equalTheGeneralCanonicalWriter_forRandomReceipts() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 3000; i++) {
            TreeMap<String, String> labels = new TreeMap<>();
            for (int k = r.nextInt(5); k > 0; k--) {
                labels.put("k" + r.nextInt(100) + (r.nextBoolean() ? "/x" : ".y"), text(20).replaceAll("[\\p{Cntrl}]", "c"));
            }
            List<UUID> parents = new ArrayList<>();
            for (int k = r.nextInt(3); k > 0; k--) {
                parents.add(UUID.randomUUID());
            }
            byte[] d = new byte[32];
            r.nextBytes(d);
            Instant t = Instant.ofEpochSecond(1_700_000_000L + r.nextInt(100_000_000), r.nextInt(1_000_000) * 1000L);
            Receipt receipt = new Receipt(SealIds.next(t), "req-" + i, new Digest(DigestAlgorithm.SHA_256, d),
                    text(40).replaceAll("[\\p{Cntrl}]", "c"), Stage.values()[r.nextInt(Stage.values().length)], labels, parents, "suite-" + i, t,
                    "signer-" + r.nextInt(5));
            assertArrayEquals(CanonicalJson.write(receipt.toJsonValue()), receipt.canonicalBytes(), receipt.toString());
            assertEquals(receipt, Receipt.parse(receipt.canonicalBytes()));
        }
    }

    @Test
    void membersOutOfCanonicalOrder_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CanonicalJson.Fields().string("b", "1").string("a", "2"));
        assertThrows(IllegalArgumentException.class, () -> new CanonicalJson.Fields().string("a", "1").string("a", "2"));
    }
}
