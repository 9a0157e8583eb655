package dev.sealer.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealer.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Every append-only table rejects UPDATE, DELETE and TRUNCATE with SQLSTATE SW001 (WORM_VIOLATION). */
class WormTablesTest {

    @BeforeAll
    static void migrate() {
        TestDatabase db = TestDatabase.get();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.serviceUrl());
        ds.setUser(db.ownerRole());
        Migrations.migrate(ds, db.appRole());
    }

    static Stream<Arguments> tables() {
        return Stream.of(
                Arguments.of("suite_events", "insert into suite_events (suite_id, event_type, effective_at, actor, payload) values ('worm-test', 'CREATED', now(), 'test', '{}')", "actor = 'x'"),
                Arguments.of("suites", "insert into suites (suite_id) values ('worm-' || gen_random_uuid())", "suite_id = 'x' || suite_id"),
                Arguments.of("receipts", "insert into receipts (seal_id, leaf_index, committed_at, suite_no, digest_alg, stage, request_id, subject, signer, digest, labels, parents) values (gen_random_uuid(), -1 - (random() * 1e12)::bigint, now(), 1, 1, 1, 'worm-' || gen_random_uuid(), 's', 'test', '\\x00', '', '')", "subject = 'x'"),
                Arguments.of("seal_signatures", "insert into seal_signatures (leaf_index, sig_ed25519, sig_ml_dsa) values (-1 - (random() * 1e12)::bigint, '\\x00', '\\x00')", "sig_ed25519 = '\\x01'"),
                Arguments.of("log_nodes", "insert into log_nodes (level, idx, hash) values (63, (random() * 1e12)::bigint, '\\x00')", "hash = '\\x01'"),
                Arguments.of("checkpoints", "insert into checkpoints (tree_size, root_hash, issued_at, suite_id, note) values (-1 - (random() * 1e12)::bigint, '\\x00', now(), 'worm-test', 'n')", "note = 'x'"),
                Arguments.of("reseals", "insert into reseals (new_seal_id, old_seal_id, resealed_at, actor) values (gen_random_uuid(), gen_random_uuid(), now(), 'test')", "actor = 'x'"),
                Arguments.of("audit_events", "insert into audit_events (actor, action, outcome) values ('test', 'worm-test', 'OK')", "outcome = 'x'"),
                Arguments.of("lineage_manifests", "insert into lineage_manifests (sha256, manifest) values (convert_to(gen_random_uuid()::text, 'UTF8'), '\\x00')", "manifest = '\\x01'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void update_onAppendOnlyTable_isRejectedAsWormViolation(String table, String insert, String assignment) throws SQLException {
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false); // the probe row is rolled back: other tests share this database
            st.execute(insert);
            SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate("update " + table + " set " + assignment));
            assertEquals("SW001", e.getSQLState(), e.getMessage());
            c.rollback();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void delete_onAppendOnlyTable_isRejectedAsWormViolation(String table, String insert, String assignment) throws SQLException {
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute(insert);
            SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate("delete from " + table));
            assertEquals("SW001", e.getSQLState(), e.getMessage());
            c.rollback();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void truncate_onAppendOnlyTable_isRejectedAsWormViolation(String table, String insert, String assignment) throws SQLException {
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute(insert);
            SQLException e = assertThrows(SQLException.class, () -> st.execute("truncate " + table + " cascade"));
            assertEquals("SW001", e.getSQLState(), e.getMessage());
            c.rollback();
        }
    }

    /** The service's own role (a leaked password) cannot change, remove or un-protect anything: PostgreSQL refuses it outright. */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("serviceRoleAttempts")
    void serviceRole_cannotRewriteOrUnprotectAppendOnlyTable(String table, String statement) throws SQLException {
        try (Connection c = TestDatabase.get().connectAsApp(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            SQLException e = assertThrows(SQLException.class, () -> st.execute(statement.replace("%t", table)));
            assertEquals("42501", e.getSQLState(), "insufficient_privilege expected: " + e.getMessage());
            c.rollback();
        }
    }

    static Stream<Arguments> serviceRoleAttempts() {
        return tables().flatMap(a -> Stream.of("update %t set " + a.get()[2], "delete from %t", "truncate %t", "alter table %t disable trigger all",
                "alter table %t owner to " + TestDatabase.get().appRole(), "set session_replication_role = replica")
                .map(s -> Arguments.of(a.get()[0], s)));
    }

    @org.junit.jupiter.api.Test
    void serviceRole_hasNoExcessPrivileges_ownerAndSuperuserDo() throws SQLException {
        try (Connection c = TestDatabase.get().connectAsApp()) {
            org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), dev.sealer.store.DatabaseRoles.excessPrivileges(c));
        }
        try (Connection c = TestDatabase.get().connect()) {
            org.junit.jupiter.api.Assertions.assertTrue(dev.sealer.store.DatabaseRoles.excessPrivileges(c).stream().anyMatch(p -> p.contains("superuser")));
        }
        try (Connection c = java.sql.DriverManager.getConnection(TestDatabase.get().serviceUrl(), TestDatabase.get().ownerRole(), "")) {
            org.junit.jupiter.api.Assertions.assertTrue(dev.sealer.store.DatabaseRoles.excessPrivileges(c).stream().anyMatch(p -> p.contains("owned by")),
                    "the owner role must be refused");
        }
    }
}
