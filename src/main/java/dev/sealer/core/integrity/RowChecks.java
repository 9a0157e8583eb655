package dev.sealer.core.integrity;

import java.util.Optional;

/**
 * The comparisons that decide whether a stored seal is one this authority wrote: the same rule
 * for every read (Verify, GetSeal, ListSeals, replays, parents), for the log writer's tail check
 * and for the integrity sweep. Each answer names what is wrong, for a finding or an error.
 */
public final class RowChecks {
    private RowChecks() {
    }

    /**
     * What is wrong with the receipts row at {@code leafIndex} (rebuilt into a receipt whose leaf
     * hash is {@code leafHash}) and its seal_signatures row, if anything.
     */
    public static Optional<String> seal(RowAuthenticator auth, long leafIndex, byte[] leafHash, byte[] rowMac, byte[] sigEd25519,
            byte[] sigMlDsa, byte[] sigMac) {
        boolean hasSignatures = sigEd25519 != null || sigMlDsa != null;
        if (rowMac == null) {
            return Optional.of("receipts row at leaf " + leafIndex + " has no authenticator: this authority did not write it");
        }
        if (!auth.verifies(Rows.receipt(leafIndex, leafHash, hasSignatures), rowMac)) {
            if (auth.verifies(Rows.receipt(leafIndex, leafHash, !hasSignatures), rowMac)) {
                return Optional.of(hasSignatures ? "seal_signatures row for leaf " + leafIndex + " was added: the seal was stored without signatures"
                        : "seal_signatures row for leaf " + leafIndex + " is missing: the seal was stored with both signatures");
            }
            return Optional.of("receipts row at leaf " + leafIndex + " does not match its authenticator: changed, moved or not written by this authority");
        }
        if (hasSignatures && (sigEd25519 == null || sigMlDsa == null || !auth.verifies(Rows.signatures(leafIndex, sigEd25519, sigMlDsa), sigMac))) {
            return Optional.of("seal_signatures row for leaf " + leafIndex + " does not match its authenticator: a signature was changed");
        }
        return Optional.empty();
    }
}
