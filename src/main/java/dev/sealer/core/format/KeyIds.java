package dev.sealer.core.format;

import dev.sealer.core.crypto.SignatureAlgorithm;
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
}
