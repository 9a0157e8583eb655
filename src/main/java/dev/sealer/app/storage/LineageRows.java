package dev.sealer.app.storage;

import java.util.Optional;

/** The lineage manifests meta-seals commit to, by SHA-256 of their bytes (content-addressed, append-only). */
public interface LineageRows {
    /** Stores a manifest under its SHA-256 unless it is stored already; true when this call inserted it. */
    boolean insertManifest(byte[] sha256, byte[] manifest);

    /** The manifest stored under {@code sha256}, as stored: whether its bytes hash to it is checked by the caller. */
    Optional<byte[]> manifest(byte[] sha256);
}
