package dev.sealer.core.log;

import java.util.List;

/**
 * Where a receipt sits in the transparency log, and the proof: its leaf index, the inclusion
 * proof to the root of a checkpoint of {@code treeSize}, that checkpoint (signed note), the
 * suite whose keys signed it, and the checkpoint's RFC 3161 time-stamp token (DER; null while
 * the checkpoint is untimestamped).
 */
public record Anchor(long leafIndex, long treeSize, List<byte[]> inclusionProof, String checkpointNote, String checkpointSuiteId,
        byte[] checkpointTimestamp) {
    public Anchor {
        inclusionProof = inclusionProof.stream().map(byte[]::clone).toList();
        checkpointTimestamp = checkpointTimestamp == null ? null : checkpointTimestamp.clone();
    }

    /** An anchor whose checkpoint has no time-stamp token (yet). */
    public Anchor(long leafIndex, long treeSize, List<byte[]> inclusionProof, String checkpointNote, String checkpointSuiteId) {
        this(leafIndex, treeSize, inclusionProof, checkpointNote, checkpointSuiteId, null);
    }

    @Override
    public byte[] checkpointTimestamp() {
        return checkpointTimestamp == null ? null : checkpointTimestamp.clone();
    }

    /** The same anchor with {@code token} as its checkpoint's time-stamp token. */
    public Anchor withCheckpointTimestamp(byte[] token) {
        return new Anchor(leafIndex, treeSize, inclusionProof, checkpointNote, checkpointSuiteId, token);
    }
}
