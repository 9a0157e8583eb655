package dev.sealer.core.lineage;

import dev.sealer.core.merkle.Rfc6962;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.Stage;
import java.util.List;
import java.util.UUID;

/**
 * One seal of a lineage as a meta-seal binds it: its id, its stage, its parents (as its receipt lists them) and the RFC 9162
 * leaf hash of its canonical receipt, {@code SHA-256(0x00 || receipt bytes)}, which commits to every field of the receipt.
 */
public record LineageNode(UUID sealId, Stage stage, List<UUID> parents, byte[] leafHash) {
    public LineageNode {
        parents = List.copyOf(parents);
        leafHash = leafHash.clone();
    }

    @Override
    public byte[] leafHash() {
        return leafHash.clone();
    }

    /** The node of a receipt, its leaf hash computed from the canonical bytes. */
    public static LineageNode of(Receipt r) {
        return new LineageNode(r.sealId(), r.stage(), r.parents(), Rfc6962.leafHash(r.canonicalBytes()));
    }

    /** The node of a stored receipt whose leaf hash is already known (and authenticated). */
    public static LineageNode of(Receipt r, byte[] leafHash) {
        return new LineageNode(r.sealId(), r.stage(), r.parents(), leafHash);
    }

    /** "seal <id> (<stage>)", as every lineage message names a seal. */
    String describe() {
        return "seal " + sealId + " (" + stage.id() + ")";
    }
}
