package dev.sealer.core.merkle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which complete nodes of the log are stored, and how every other complete node is rebuilt.
 *
 * <p>Only the levels that are positive multiples of {@value #STRIDE} are stored. Leaf hashes
 * (level 0) are recomputed from the receipts, and a node at any other level is hashed up from
 * the 2^(level mod {@value #STRIDE}) nodes of the nearest stored level (or leaves) below it: at
 * most 8 hashes. That keeps the node table at about one row per 15 leaves instead of two rows
 * per leaf, while any {@link ProofPlan} is still served by one fetch of stored nodes and leaves.
 */
public final class StoredLevels {
    public static final int STRIDE = 4;

    private StoredLevels() {
    }

    /** Whether nodes at {@code level} are persisted. */
    public static boolean isStored(int level) {
        return level > 0 && level % STRIDE == 0;
    }

    /** The nodes {@code id} is rebuilt from (itself when it is a leaf or at a stored level), left to right. */
    public static List<NodeId> sources(NodeId id) {
        int base = id.level() - id.level() % STRIDE;
        if (base == id.level()) {
            return List.of(id);
        }
        int width = 1 << (id.level() - base);
        long first = id.index() << (id.level() - base);
        List<NodeId> out = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            out.add(new NodeId(base, first + i));
        }
        return out;
    }

    /** Hashes {@code id} up from the hashes of {@link #sources(NodeId)}, in that order. */
    public static byte[] rebuild(NodeId id, List<byte[]> sourceHashes) {
        if (sourceHashes.size() != sources(id).size()) {
            throw new IllegalArgumentException(id + " needs " + sources(id).size() + " source hashes, got " + sourceHashes.size());
        }
        List<byte[]> level = sourceHashes;
        while (level.size() > 1) {
            List<byte[]> up = new ArrayList<>(level.size() / 2);
            for (int i = 0; i < level.size(); i += 2) {
                up.add(Rfc6962.nodeHash(level.get(i), level.get(i + 1)));
            }
            level = up;
        }
        return level.getFirst().clone();
    }

    /**
     * The hashes of {@code ids} (complete nodes), in order, with one call to {@code fetch} for all
     * the leaves and stored nodes they need. {@code fetch} must return every node it is given.
     */
    public static List<byte[]> resolve(List<NodeId> ids, Function<Collection<NodeId>, Map<NodeId, byte[]>> fetch) {
        LinkedHashSet<NodeId> needed = new LinkedHashSet<>();
        for (NodeId id : ids) {
            needed.addAll(sources(id));
        }
        Map<NodeId, byte[]> found = needed.isEmpty() ? Map.of() : fetch.apply(needed);
        List<byte[]> out = new ArrayList<>(ids.size());
        for (NodeId id : ids) {
            List<byte[]> hashes = new ArrayList<>();
            for (NodeId s : sources(id)) {
                byte[] h = found.get(s);
                if (h == null) {
                    throw new IllegalStateException("log node " + s + " is missing");
                }
                hashes.add(h);
            }
            out.add(rebuild(id, hashes));
        }
        return out;
    }
}
