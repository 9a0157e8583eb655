package dev.sealer.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code lineage_manifests} table (append-only, content-addressed). */
final class LineageStore {
    private LineageStore() {
    }

    static boolean insert(Connection c, byte[] sha256, byte[] manifest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into lineage_manifests (sha256, manifest) values (?, ?) on conflict (sha256) do nothing")) {
            ps.setBytes(1, sha256);
            ps.setBytes(2, manifest);
            return ps.executeUpdate() == 1;
        }
    }

    static Optional<byte[]> manifest(Connection c, byte[] sha256) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select manifest from lineage_manifests where sha256 = ?")) {
            ps.setBytes(1, sha256);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }
}
