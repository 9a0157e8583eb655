package dev.sealer.core.log;

import java.util.List;

/**
 * Where a receipt sits in the transparency log, and the proof: its leaf index, the inclusion
 * proof to the root of a checkpoint of {@code treeSize}, that checkpoint (signed note), and the
 * suite whose keys signed it.
 */
public record Anchor(long leafIndex, long treeSize, List<byte[]> inclusionProof, String checkpointNote, String checkpointSuiteId) {
    public Anchor {
        inclusionProof = inclusionProof.stream().map(byte[]::clone).toList();
    }
}
