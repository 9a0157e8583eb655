package dev.sealer.core.merkle;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A complete tree node and its hash: one row of the node store.
 *
 * @param id the node address
 * @param hash its RFC 6962 hash, {@value Rfc6962#HASH_SIZE} bytes (defensively copied)
 */
public record NodeHash(NodeId id, byte[] hash) {

    public NodeHash {
        Objects.requireNonNull(id, "id");
        Rfc6962.requireHash(hash, "hash");
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeHash other && id.equals(other.id) && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return 31 * id.hashCode() + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "NodeHash[" + id + ", " + HexFormat.of().formatHex(hash) + "]";
    }
}
