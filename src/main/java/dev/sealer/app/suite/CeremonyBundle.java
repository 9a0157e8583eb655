package dev.sealer.app.suite;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.suite.RootKeys;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.TrustBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The trust bundle a key ceremony wrote ({@code sealer.root.ceremony-bundle}), checked against this service's root before use. */
final class CeremonyBundle {
    private CeremonyBundle() {
    }

    /**
     * Reads and checks the bundle: same authority, its root is this HSM's root attestation keys, every
     * cross-certificate is signed, the chain reaches this root from every root it names, and its suites
     * are certified by a root of the chain. Refuses to start otherwise.
     */
    static TrustBundle read(Path file, RootKeys ours, String authority) {
        TrustBundle b;
        try {
            b = TrustBundle.parse(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new SealerException(Reason.HSM_UNAVAILABLE, "cannot read the ceremony trust bundle " + file + ": " + e.getMessage());
        }
        if (!b.authority().equals(authority)) {
            throw new SealerException(Reason.HSM_UNAVAILABLE, "the ceremony trust bundle " + file + " is for authority '" + b.authority()
                    + "', this service is '" + authority + "'");
        }
        if (!b.root().sameAs(ours)) {
            throw new SealerException(Reason.HSM_UNAVAILABLE, "the ceremony trust bundle " + file
                    + " names other root keys than this HSM's (check sealer.hsm.attestation-key-label and sealer.root.id)");
        }
        for (var c : b.rootChain()) {
            if (!c.isSigned()) {
                throw new SealerException(Reason.HSM_UNAVAILABLE, "a root cross-certificate in " + file + " (" + c.issuerId() + " -> " + c.subjectId()
                        + ") does not verify");
            }
        }
        for (var t : b.timestampAuthorities()) {
            // an earlier root's TSA, carried by a rollover: anchored in the attestation certificate of a root of the chain
            boolean anchored = !t.rootIssued() && t.anchors().stream().anyMatch(a -> b.trustedRoots().stream()
                    .anyMatch(r -> java.security.MessageDigest.isEqual(r.ecdsaP256().getEncoded(), a.getPublicKey().getEncoded())));
            if (!anchored) {
                throw new SealerException(Reason.HSM_UNAVAILABLE, "the time-stamping authority '" + t.name() + "' in " + file
                        + " is not anchored in the attestation key of a root of its chain");
            }
        }
        for (SuiteCertificate s : b.suites()) {
            if (!b.certifies(s)) {
                throw new SealerException(Reason.HSM_UNAVAILABLE, "suite " + s.suiteId() + " in " + file + " is not certified by a root of its chain");
            }
        }
        return b;
    }
}
