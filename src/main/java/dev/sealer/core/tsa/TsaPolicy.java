package dev.sealer.core.tsa;

import java.time.Duration;
import java.util.Objects;

/**
 * What the time-stamping authority promises, the configurable part of RFC 3161 §2.4.2: the TSA
 * policy under which every token is issued, the accuracy stated in each token, and whether a
 * request must carry a nonce.
 *
 * @param policyOid     the TSA policy object identifier written into every token ({@code policy})
 * @param accuracy      the stated accuracy of {@code genTime} ({@code accuracy}; zero leaves it out)
 * @param nonceRequired a request without a nonce is rejected ({@code badRequest}); any nonce is echoed
 */
public record TsaPolicy(String policyOid, Duration accuracy, boolean nonceRequired) {
    /** Sealer's default policy identifier: a UUID OID (ITU-T X.667, arc 2.25), so it needs no registration. */
    public static final String DEFAULT_POLICY_OID = "2.25.238921570431264095785215064356180386817";

    public TsaPolicy {
        Objects.requireNonNull(policyOid, "policyOid");
        Objects.requireNonNull(accuracy, "accuracy");
        if (!policyOid.matches("[0-2](\\.(0|[1-9][0-9]*))+")) {
            throw new IllegalArgumentException("not an object identifier: " + policyOid);
        }
        if (accuracy.isNegative() || accuracy.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("accuracy must be 0..1h, was " + accuracy);
        }
    }
}
