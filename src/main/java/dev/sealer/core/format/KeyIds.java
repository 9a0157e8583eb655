package dev.sealer.core.format;

import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SignatureVerifier;
import dev.sealer.core.error.Reason;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import java.util.Optional;

/**
 * How a suite key is named outside Sealer's own formats: {@code <suite_id>/<algorithm id>}, e.g.
 * {@code suite-20261208-1a2b3c4d/ed25519}. The DSSE {@code keyid} and the Sigstore
 * {@code publicKey.hint}. Only a hint: the key is the suite certificate's in the trust bundle.
 */
public final class KeyIds {
    private KeyIds() {
    }

    public static String of(String suiteId, SignatureAlgorithm algorithm) {
        return suiteId + "/" + algorithm.id();
    }

    /** A key id's suite and algorithm, or empty when it is not {@code <suite_id>/<known algorithm>}. */
    public record Named(String suiteId, SignatureAlgorithm algorithm) {
    }

    public static Optional<Named> parse(String keyId) {
        if (keyId == null) {
            return Optional.empty();
        }
        int slash = keyId.lastIndexOf('/');
        if (slash <= 0 || slash == keyId.length() - 1) {
            return Optional.empty();
        }
        String alg = keyId.substring(slash + 1);
        for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
            if (a.id().equals(alg)) {
                return Optional.of(new Named(keyId.substring(0, slash), a));
            }
        }
        return Optional.empty();
    }

    /**
     * Checks one signature over {@code message} by the key {@code keyId} names: the suite must be in the trust bundle and
     * certified by the pinned root, and have a key of that algorithm. Empty when it verifies, else the INVALID verdict
     * (UNKNOWN_SUITE, SIGNATURE_INVALID). The one rule both DSSE verifiers (model.sig, in-toto export) apply.
     */
    public static Optional<Verdict> problem(String keyId, byte[] signature, byte[] message, SealVerifier verifier) {
        Optional<Named> named = parse(keyId);
        if (named.isEmpty()) {
            return Optional.of(Verdict.invalid(Reason.UNKNOWN_SUITE, "key id '" + keyId + "' does not name a suite key (<suite_id>/<algorithm>)"));
        }
        String suiteId = named.get().suiteId();
        Optional<SuiteCertificate> suite = verifier.trust().suite(suiteId);
        if (suite.isEmpty()) {
            return Optional.of(Verdict.invalid(Reason.UNKNOWN_SUITE, "suite " + suiteId + " is not in the trust bundle"));
        }
        if (!verifier.certifies(suiteId)) {
            return Optional.of(Verdict.invalid(Reason.SIGNATURE_INVALID, "suite certificate of " + suiteId + " is not signed by the pinned root keys"));
        }
        SignatureAlgorithm alg = named.get().algorithm();
        byte[] key = alg == SignatureAlgorithm.ED25519 ? suite.get().ed25519PublicKey() : alg == suite.get().pqAlgorithm() ? suite.get().pqPublicKey() : null;
        if (key == null) {
            return Optional.of(Verdict.invalid(Reason.SIGNATURE_INVALID, "suite " + suiteId + " has no " + alg.id() + " key"));
        }
        if (!SignatureVerifier.verify(alg, key, message, signature)) {
            return Optional.of(Verdict.invalid(Reason.SIGNATURE_INVALID, "the DSSE signature of " + keyId + " does not verify"));
        }
        return Optional.empty();
    }
}
