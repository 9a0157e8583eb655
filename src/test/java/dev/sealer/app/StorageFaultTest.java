package dev.sealer.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.app.sweep.IntegritySweeper;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.OwnDatabaseProfile;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A batch whose transaction fails half way (its receipts inserted, then the log nodes refused)
 * is not acknowledged and leaves nothing behind: the caller gets UNAVAILABLE / STORE_UNAVAILABLE,
 * no receipts row exists for it, the log's tree is back where it was (the next seal takes the
 * same leaf index), a retry with the same request id is a fresh seal, and the sweep is clean.
 * The fault is injected through the application's storage interface, on a real database.
 */
@QuarkusTest
@TestProfile(StorageFaultTest.Profile.class)
class StorageFaultTest {
    public static class Profile extends OwnDatabaseProfile {
        @Override
        protected String database() {
            return "sealer_storage_fault";
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FaultInjectingStorage.class);
        }
    }

    @GrpcClient("seals")
    SealServiceGrpc.SealServiceBlockingStub seals;
    @Inject
    FaultInjectingStorage storage;
    @Inject
    IntegritySweeper sweeper;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @Test
    void batchFailingAfterItsReceiptsWereInserted_isRolledBackWhole_andTheNextSealTakesItsLeaf() throws Exception {
        SealResponse before = seals.seal(Grpc.request("fault-before").build());
        long leaf = before.getSeal().getLeafIndex();

        SealRequest lost = Grpc.request("fault-lost").build();
        storage.failNextNodeWrites(1);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> seals.seal(lost));
        assertEquals(Status.Code.UNAVAILABLE, Grpc.code(e));
        assertEquals("STORE_UNAVAILABLE", Grpc.reason(e));
        assertEquals(1, storage.injected(), "the fault hit the node write, after the receipts insert");
        assertFalse(storedLeaf(lost.getRequestId()).isPresent(), "the receipts row of the failed batch was rolled back");

        SealResponse next = seals.seal(Grpc.request("fault-after").build());
        assertEquals(leaf + 1, next.getSeal().getLeafIndex(), "the rolled-back leaf index is given to the next seal");

        SealResponse retried = seals.seal(lost);
        assertFalse(retried.getReplayed(), "nothing of the failed attempt was kept to replay");
        assertEquals(leaf + 2, retried.getSeal().getLeafIndex());
        assertEquals(leaf + 2, storedLeaf(lost.getRequestId()).orElseThrow());

        var report = sweeper.sweep();
        assertTrue(report.clean(), () -> "sweep after the failed batch: " + report.findings());
    }

    private java.util.OptionalLong storedLeaf(String requestId) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sealer_app", "");
                PreparedStatement ps = c.prepareStatement("select leaf_index from receipts where request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.OptionalLong.of(rs.getLong(1)) : java.util.OptionalLong.empty();
            }
        }
    }
}
