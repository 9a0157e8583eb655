package dev.sealer.core.ceremony;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shamir over GF(256) as properties: every M-subset reconstructs, every (M-1)-subset does not; and the custody rules around it. */
class ShamirTest {

    @Test
    void gf256_knownAesProducts_andEveryNonZeroElementHasItsInverse() {
        assertEquals(0x01, Shamir.mul(0x53, 0xca)); // FIPS 197 §4.2 example
        assertEquals(0xc1, Shamir.mul(0x57, 0x83)); // FIPS 197 §4.2
        for (int a = 1; a < 256; a++) {
            assertEquals(1, Shamir.mul(a, Shamir.inverse(a)), "inverse of " + a);
        }
    }

    @Test
    void split_anyThresholdSubsetReconstructs_andAnySmallerSubsetDoesNot() {
        Random seeds = new Random(18);
        SecureRandom random = new SecureRandom();
        for (int round = 0; round < 40; round++) {
            int total = 2 + seeds.nextInt(6);          // 2..7 shares
            int threshold = 2 + seeds.nextInt(total - 1); // 2..total
            byte[] secret = new byte[1 + seeds.nextInt(48)];
            random.nextBytes(secret);
            List<Shamir.Share> shares = Shamir.split(secret, threshold, total, random);
            assertEquals(total, shares.size());
            for (int mask = 1; mask < (1 << total); mask++) {
                List<Shamir.Share> subset = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    if ((mask & (1 << i)) != 0) {
                        subset.add(shares.get(i));
                    }
                }
                if (subset.size() < 2) {
                    continue;
                }
                byte[] got = Shamir.combine(subset);
                if (subset.size() >= threshold) {
                    assertArrayEquals(secret, got, threshold + "-of-" + total + " with " + subset.size() + " shares");
                } else if (secret.length >= 16) {
                    // M-1 points fit a polynomial whose value at 0 is independent of the secret: equal only by chance (2^-128 or less)
                    assertFalse(Arrays.equals(secret, got), threshold + "-of-" + total + " reconstructed from " + subset.size() + " shares");
                }
            }
        }
    }

    @Test
    void fewerThanThresholdShares_revealNothingAboutAByte_everyCandidateIsEquallyConsistent() {
        // 2-of-2 over one byte: for a fixed first share, every secret value is consistent with exactly one second share
        SecureRandom random = new SecureRandom();
        List<Shamir.Share> s = Shamir.split(new byte[] {42}, 2, 2, random);
        int consistent = 0;
        for (int y2 = 0; y2 < 256; y2++) {
            byte[] got = Shamir.combine(List.of(s.get(0), new Shamir.Share(2, new byte[] {(byte) y2})));
            consistent += got.length == 1 ? 1 : 0;
        }
        assertEquals(256, consistent);
        java.util.Set<Integer> secrets = new java.util.HashSet<>();
        for (int y2 = 0; y2 < 256; y2++) {
            secrets.add(Shamir.combine(List.of(s.get(0), new Shamir.Share(2, new byte[] {(byte) y2})))[0] & 0xff);
        }
        assertEquals(256, secrets.size(), "one share alone is consistent with all 256 secrets");
    }

    @Test
    void split_refusesThresholdBelowTwoOrAboveShares_andCombineRefusesDuplicates() {
        SecureRandom r = new SecureRandom();
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(new byte[4], 1, 3, r));
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(new byte[4], 4, 3, r));
        List<Shamir.Share> s = Shamir.split(new byte[4], 2, 3, r);
        assertThrows(IllegalArgumentException.class, () -> Shamir.combine(List.of(s.get(0), s.get(0))));
        assertTrue(s.get(0).toString().contains("redacted"));
    }

    @Test
    void custody_anyTwoOfThreeGiveThePins_oneIsRefused_andForeignOrMistypedSharesAreRefused() {
        Custody.Split split = Custody.create("root-2026", 2, 3, new SecureRandom());
        List<String> lines = split.shareLines();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (i != j) {
                    try (Custody.Pins p = Custody.combine("root-2026", split.commitment(), List.of(lines.get(i), lines.get(j)))) {
                        assertArrayEquals(split.pins().user(), p.user());
                        assertArrayEquals(split.pins().so(), p.so());
                        assertEquals(32, p.user().length);
                    }
                }
            }
        }
        Custody.CustodyException one = assertThrows(Custody.CustodyException.class,
                () -> Custody.combine("root-2026", split.commitment(), List.of(lines.get(1))));
        assertTrue(one.getMessage().contains("1 of the 2 custody shares needed (2-of-3)"), one.getMessage());
        assertThrows(Custody.CustodyException.class, () -> Custody.combine("other", split.commitment(), List.of(lines.get(0), lines.get(1))));
        assertThrows(Custody.CustodyException.class, () -> Custody.combine("root-2026", split.commitment(), List.of(lines.get(0), lines.get(0))));
        // a share of another split of the same ceremony id: check digits fine, commitment not met
        Custody.Split other = Custody.create("root-2026", 2, 3, new SecureRandom());
        Custody.CustodyException mixed = assertThrows(Custody.CustodyException.class,
                () -> Custody.combine("root-2026", split.commitment(), List.of(lines.get(0), other.shareLines().get(1))));
        assertTrue(mixed.getMessage().contains("do not reconstruct the committed"), mixed.getMessage());
        String line = lines.get(2);
        char c = line.charAt(40);
        String typo = line.substring(0, 40) + (c == '0' ? '1' : '0') + line.substring(41);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Custody.parse(typo));
        assertTrue(e.getMessage().contains("mistyped"), e.getMessage());
    }
}
