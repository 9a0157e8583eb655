package dev.sealer.core.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * Test-only reference model: RFC 9162 §2.1.1 MTH, §2.1.3.1 PATH and §2.1.4.1 PROOF/SUBPROOF,
 * written recursively over the leaf list exactly as the RFC defines them. Slow and obvious on
 * purpose; it shares nothing with the production code except {@link Rfc6962}.
 */
public final class ReferenceTree {

    private final List<byte[]> leafHashes = new ArrayList<>();

    public void add(byte[] leafHash) {
        leafHashes.add(leafHash);
    }

    /** MTH(D[lo:hi]). */
    public byte[] mth(int lo, int hi) {
        int n = hi - lo;
        if (n == 0) {
            return Rfc6962.emptyRoot();
        }
        if (n == 1) {
            return leafHashes.get(lo);
        }
        int k = largestPowerOfTwoBelow(n);
        return Rfc6962.nodeHash(mth(lo, lo + k), mth(lo + k, hi));
    }

    /** PATH(m, D[0:n]). */
    public List<byte[]> path(int m, int n) {
        return path(m, 0, n);
    }

    private List<byte[]> path(int m, int lo, int hi) {
        int n = hi - lo;
        List<byte[]> out = new ArrayList<>();
        if (n == 1) {
            return out;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m - lo < k) {
            out.addAll(path(m, lo, lo + k));
            out.add(mth(lo + k, hi));
        } else {
            out.addAll(path(m, lo + k, hi));
            out.add(mth(lo, lo + k));
        }
        return out;
    }

    /** PROOF(m, D[0:n]) for 0 < m < n. */
    public List<byte[]> proof(int m, int n) {
        return subproof(m, 0, n, true);
    }

    private List<byte[]> subproof(int m, int lo, int hi, boolean b) {
        int n = hi - lo;
        List<byte[]> out = new ArrayList<>();
        if (m - lo == n) {
            if (!b) {
                out.add(mth(lo, hi));
            }
            return out;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m - lo <= k) {
            out.addAll(subproof(m, lo, lo + k, b));
            out.add(mth(lo + k, hi));
        } else {
            out.addAll(subproof(m, lo + k, hi, false));
            out.add(mth(lo, lo + k));
        }
        return out;
    }

    /** Largest power of two strictly below n (n > 1), by counting up as the RFC states it. */
    private static int largestPowerOfTwoBelow(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }
}
