package dev.sealer.core.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The hand-written request id and label key checks accept exactly what their documented patterns accept. */
class SealLimitsPatternTest {
    private static final String ALPHABET = "Aaz09._:-/ é\u0000Zb";

    private static String random(int maxLen) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder();
        int len = r.nextInt(maxLen + 1);
        for (int i = 0; i < len; i++) {
            b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    @Test
    void requestIdCheck_agreesWithThePatternOnRandomAndEdgeInputs() {
        for (String s : new String[] {"", "a", "a".repeat(128), "a".repeat(129), "a b", "réq", "A.b_c:d-e"}) {
            assertEquals(SealLimits.REQUEST_ID.matcher(s).matches(), SealLimits.isRequestId(s), s);
        }
        for (int i = 0; i < 50_000; i++) {
            String s = random(i % 2 == 0 ? 6 : 140);
            assertEquals(SealLimits.REQUEST_ID.matcher(s).matches(), SealLimits.isRequestId(s), s);
        }
    }

    @Test
    void labelKeyCheck_agreesWithThePatternOnRandomAndEdgeInputs() {
        for (String s : new String[] {"", "a", "a".repeat(63), "a".repeat(64), "-a", ".a", "a-b/c.d_e", "A", "0"}) {
            assertEquals(SealLimits.LABEL_KEY.matcher(s).matches(), SealLimits.isLabelKey(s), s);
        }
        for (int i = 0; i < 50_000; i++) {
            String s = random(i % 2 == 0 ? 5 : 70);
            assertEquals(SealLimits.LABEL_KEY.matcher(s).matches(), SealLimits.isLabelKey(s), s);
        }
    }
}
