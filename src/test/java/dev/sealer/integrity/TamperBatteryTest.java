package dev.sealer.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.app.audit.AuditTrail;
import dev.sealer.app.integrity.RowGuard;
import dev.sealer.app.log.TransparencyLog;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.core.crypto.InMemoryPseudoRandomKey;
import dev.sealer.core.crypto.SecretBytes;
import dev.sealer.core.integrity.Finding;
import dev.sealer.core.integrity.IntegrityCheck;
import dev.sealer.core.integrity.RowAuthenticator;
import dev.sealer.core.integrity.Rows;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.store.IntegritySweep;
import dev.sealer.store.LogStore;
import dev.sealer.store.ReceiptStore;
import dev.sealer.testing.Grpc;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tamper battery: for every table, an attacker with superuser rights (WORM triggers bypassed
 * with session_replication_role = replica) changes each stored field, deletes a row, inserts a
 * forged one (also one hashed correctly, copying a real authenticator), reorders rows, replays a
 * row from another deployment (authenticated under another root), or rolls the database back.
 * Each case runs in a transaction that is rolled back, with the sweep in the same transaction,
 * and asserts the exact finding: table, row and what is wrong. Zero cases go undetected.
 */
@QuarkusTest
@TestProfile(TamperProfile.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class TamperBatteryTest {
    @GrpcClient("seals")
    SealServiceGrpc.SealServiceBlockingStub seals;
    @Inject
    RowGuard guard;
    @Inject
    SuiteRegistry suites;
    @Inject
    TransparencyLog log;
    @Inject
    AuditTrail audit;
    @Inject
    dev.sealer.app.sweep.IntegritySweeper sweeper;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    /** What the fixture wrote, for the cases to aim at. */
    record Fixture(long anchoredLeaf, long signedLeaf, long otherSignedLeaf, long nextLeaf, long latestCheckpoint, long middleCheckpoint,
            long firstSuiteEvent, long secondSuiteEvent, long firstAudit, long lastAudit, UUID resealed) {
    }

    static Fixture fx;
    /** Another deployment's row key: a different root, the same authority name. */
    static final RowAuthenticator OTHER = RowAuthenticator.derive(InMemoryPseudoRandomKey.of(SecretBytes.wrap(random(32))), "sealer");

    @BeforeEach
    void fixture() throws Exception {
        if (fx != null) {
            return;
        }
        List<SealResponse> anchored = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            anchored.add(seals.seal(Grpc.request("tamper-anchored-" + i).setMode(SealMode.ANCHORED).build()));
        }
        for (int i = 0; i < 3; i++) {
            audit.record("tamper-actor", "tamper-action-" + i, "target-" + i, "OK", "detail " + i);
        }
        awaitAuditRows(3);
        SealResponse signed = seals.seal(Grpc.request("tamper-signed-0").build());
        SealResponse signed2 = seals.seal(Grpc.request("tamper-signed-1").build());
        UUID replaced = UUID.fromString(anchored.get(3).getSeal().getSealId());
        SealResponse reseal = seals.seal(Grpc.request("tamper-reseal").setRequestId("reseal-" + replaced).build());
        try (Connection c = DriverManager.getConnection(url, "sealer_app", "")) {
            ReceiptStore.linkReseal(c, replaced, UUID.fromString(reseal.getSeal().getSealId()), Instant.now(), "tamper-test", guard.authenticator());
        }
        log.issueCheckpoint();
        try (Connection c = superuser()) {
            List<Long> sizes = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("select tree_size from checkpoints order by tree_size desc limit 2")) {
                while (rs.next()) {
                    sizes.add(rs.getLong(1));
                }
            }
            long[] events = longs(c, "select event_seq from suite_events order by event_seq");
            long[] audits = longs(c, "select event_seq from audit_events order by event_seq");
            fx = new Fixture(5, signed.getSeal().getLeafIndex(), signed2.getSeal().getLeafIndex(), longs(c, "select max(leaf_index) + 1 from receipts")[0],
                    sizes.get(0), sizes.get(1), events[0], events[1], audits[0], audits[audits.length - 1], UUID.fromString(reseal.getSeal().getSealId()));
        }
        try (Connection c = superuser()) {
            c.setAutoCommit(false);
            IntegrityCheck.Report clean = sweep(c);
            c.rollback();
            assertTrue(clean.clean(), "the untouched fixture must sweep clean: " + clean.findings());
            assertTrue(clean.signatures() >= 3 && clean.nodes() >= 1 && clean.auditEvents() >= 3 && clean.reseals() == 1, clean.toString());
        }
    }

    /** One attack: the statements, and the finding it must produce. */
    record Case(String name, String table, String row, String detail, List<String> sql) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, String table, String row, String detail, String... sql) {
        return new Case(name, table, row, detail, List.of(sql));
    }

    static Stream<Case> cases() {
        String mismatch = "does not match its authenticator";
        return Stream.of(
                // receipts: each stored field, the row's position, deletion, forgery, reordering, replay
                c("receipts.seal_id changed", "receipts", "leaf 5 ", mismatch, "update receipts set seal_id = gen_random_uuid() where leaf_index = 5"),
                c("receipts.leaf_index moved", "receipts", "leaf 1000000 ", mismatch, "update receipts set leaf_index = 1000000 where leaf_index = 5"),
                c("receipts.committed_at moved", "receipts", "leaf 5 ", mismatch, "update receipts set committed_at = committed_at - interval '1 day' where leaf_index = 5"),
                c("receipts.row_mac changed", "receipts", "leaf 5 ", mismatch, "update receipts set row_mac = '\\x00112233445566778899aabbccddeeff' where leaf_index = 5"),
                c("receipts.suite_no changed", "receipts", "leaf 5 ", mismatch, "insert into suites (suite_id) values ('suite-20260101-deadbeef')",
                        "update receipts set suite_no = (select suite_no from suites where suite_id = 'suite-20260101-deadbeef') where leaf_index = 5"),
                c("receipts.digest_alg changed", "receipts", "leaf 5 ", mismatch, "update receipts set digest_alg = 4 where leaf_index = 5"),
                c("receipts.stage changed", "receipts", "leaf 5 ", mismatch, "update receipts set stage = case when stage = 1 then 2 else 1 end where leaf_index = 5"),
                c("receipts.request_id changed", "receipts", "leaf 5 ", mismatch, "update receipts set request_id = request_id || 'x' where leaf_index = 5"),
                c("receipts.subject changed", "receipts", "leaf 5 ", mismatch, "update receipts set subject = subject || 'x' where leaf_index = 5"),
                c("receipts.signer changed", "receipts", "leaf 5 ", mismatch, "update receipts set signer = 'mallory' where leaf_index = 5"),
                c("receipts.digest changed", "receipts", "leaf 5 ", mismatch, "update receipts set digest = sha256(digest) where leaf_index = 5"),
                c("receipts.labels changed", "receipts", "leaf 5 ", mismatch, "update receipts set labels = '{\"team\":\"mallory\"}' where leaf_index = 5"),
                c("receipts.parents changed", "receipts", "leaf 5 ", mismatch,
                        "update receipts set parents = (select uuid_send(seal_id) from receipts where leaf_index = 4) where leaf_index = 5"),
                c("receipts.stage set to a code Sealer never writes", "receipts", "leaf 5 ", "row is not a receipt", "update receipts set stage = 99 where leaf_index = 5"),
                c("receipts.labels set to bytes that do not decode", "receipts", "leaf 5 ", "row is not a receipt", "update receipts set labels = '{not json' where leaf_index = 5"),
                c("receipts row deleted", "receipts", "leaf 6 ", "rows are missing before it", "delete from receipts where leaf_index = 5"),
                c("receipts row forged, correctly hashed, authenticator copied", "receipts", "leaf {next} ", mismatch,
                        "insert into receipts (seal_id, leaf_index, committed_at, row_mac, suite_no, digest_alg, stage, request_id, subject, signer, digest, labels,"
                                + " parents) select gen_random_uuid(), {next}, committed_at, row_mac, suite_no, digest_alg, stage, 'forged-1', subject, signer,"
                                + " digest, labels, parents from receipts where leaf_index = 5"),
                c("receipts row forged without an authenticator", "receipts", "leaf {next} ", "has no authenticator",
                        "insert into receipts (seal_id, leaf_index, committed_at, row_mac, suite_no, digest_alg, stage, request_id, subject, signer, digest, labels,"
                                + " parents) select gen_random_uuid(), {next}, committed_at, null, suite_no, digest_alg, stage, 'forged-2', subject, signer,"
                                + " digest, labels, parents from receipts where leaf_index = 5"),
                c("receipts rows reordered", "receipts", "leaf 5 ", mismatch, "update receipts set leaf_index = -1 where leaf_index = 5",
                        "update receipts set leaf_index = 5 where leaf_index = 6", "update receipts set leaf_index = 6 where leaf_index = -1"),
                c("receipts row replayed from another deployment", "receipts", "leaf 5 ", mismatch, "update receipts set row_mac = '{otherReceipt5}' where leaf_index = 5"),
                // seal_signatures
                c("seal_signatures.sig_ed25519 changed", "seal_signatures", "leaf {signed} ", "a signature was changed",
                        "update seal_signatures set sig_ed25519 = set_byte(sig_ed25519, 7, get_byte(sig_ed25519, 7) # 1) where leaf_index = {signed}"),
                c("seal_signatures.sig_ml_dsa changed", "seal_signatures", "leaf {signed} ", "a signature was changed",
                        "update seal_signatures set sig_ml_dsa = set_byte(sig_ml_dsa, 100, get_byte(sig_ml_dsa, 100) # 1) where leaf_index = {signed}"),
                c("seal_signatures.row_mac changed", "seal_signatures", "leaf {signed} ", "a signature was changed",
                        "update seal_signatures set row_mac = '\\x00112233445566778899aabbccddeeff' where leaf_index = {signed}"),
                c("seal_signatures row deleted (a SIGNED seal made to look ANCHORED)", "seal_signatures", "leaf {signed} ", "is missing: the seal was stored with both signatures",
                        "delete from seal_signatures where leaf_index = {signed}"),
                c("seal_signatures row forged for an ANCHORED seal", "seal_signatures", "leaf 5 ", "was added",
                        "insert into seal_signatures select 5, sig_ed25519, sig_ml_dsa, row_mac from seal_signatures where leaf_index = {signed}"),
                c("seal_signatures row forged with no receipt", "seal_signatures", "leaf 999999", "has no receipt",
                        "insert into seal_signatures select 999999, sig_ed25519, sig_ml_dsa, row_mac from seal_signatures where leaf_index = {signed}"),
                c("seal_signatures rows reordered", "seal_signatures", "leaf {signed} ", "a signature was changed",
                        "update seal_signatures set leaf_index = -1 where leaf_index = {signed}",
                        "update seal_signatures set leaf_index = {signed} where leaf_index = {signed2}",
                        "update seal_signatures set leaf_index = {signed2} where leaf_index = -1"),
                c("seal_signatures row replayed from another deployment", "seal_signatures", "leaf {signed} ", "a signature was changed",
                        "update seal_signatures set row_mac = '{otherSignatures}' where leaf_index = {signed}"),
                // log_nodes
                c("log_nodes.hash changed", "log_nodes", "level 4 index 0", mismatch, "update log_nodes set hash = sha256(hash) where level = 4 and idx = 0"),
                c("log_nodes.row_mac changed", "log_nodes", "level 4 index 0", mismatch,
                        "update log_nodes set row_mac = '\\x00112233445566778899aabbccddeeff' where level = 4 and idx = 0"),
                c("log_nodes row moved", "log_nodes", "level 4 index 7", mismatch, "update log_nodes set idx = 7 where level = 4 and idx = 0"),
                c("log_nodes row deleted", "log_nodes", "level 4 index 0", "is missing", "delete from log_nodes where level = 4 and idx = 0"),
                c("log_nodes row forged", "log_nodes", "level 8 index 3", mismatch, "insert into log_nodes values (8, 3, sha256('x'), null)"),
                c("log_nodes row replayed from another deployment", "log_nodes", "level 4 index 0", mismatch,
                        "update log_nodes set row_mac = '{otherNode}' where level = 4 and idx = 0"),
                // checkpoints
                c("checkpoints.note changed", "checkpoints", "tree_size {cp}", "not dual-signed",
                        "update checkpoints set note = replace(note, chr(10) || '— ', chr(10) || '— x') where tree_size = {cp}"),
                c("checkpoints.note changed (authenticator)", "checkpoints", "tree_size {cp}", mismatch,
                        "update checkpoints set note = note || ' ' where tree_size = {cp}"),
                c("checkpoints.issued_at moved back 30 days", "checkpoints", "tree_size {cp}", "differs from the signed time",
                        "update checkpoints set issued_at = issued_at - interval '30 days' where tree_size = {cp}"),
                c("checkpoints.issued_at moved back 30 days (authenticator)", "checkpoints", "tree_size {cp}", mismatch,
                        "update checkpoints set issued_at = issued_at - interval '30 days' where tree_size = {cp}"),
                c("checkpoints.root_hash changed", "checkpoints", "tree_size {cp}", mismatch, "update checkpoints set root_hash = sha256(root_hash) where tree_size = {cp}"),
                c("checkpoints.suite_id changed", "checkpoints", "tree_size {cp}", mismatch, "update checkpoints set suite_id = 'suite-20260101-deadbeef' where tree_size = {cp}"),
                c("checkpoints.previous_size changed", "checkpoints", "tree_size {cp}", mismatch, "update checkpoints set previous_size = 0 where tree_size = {cp}"),
                c("checkpoints.suite_events changed", "checkpoints", "tree_size {cp}", mismatch, "update checkpoints set suite_events = 0 where tree_size = {cp}"),
                c("checkpoints.audit_events changed", "checkpoints", "tree_size {cp}", mismatch, "update checkpoints set audit_events = 0 where tree_size = {cp}"),
                c("checkpoints.row_mac changed", "checkpoints", "tree_size {cp}", mismatch,
                        "update checkpoints set row_mac = '\\x00112233445566778899aabbccddeeff' where tree_size = {cp}"),
                c("checkpoints middle row deleted", "checkpoints", "tree_size {cp}", "a checkpoint was removed or inserted", "delete from checkpoints where tree_size = {cpMiddle}"),
                c("checkpoints latest row deleted", "checkpoints", "tree_size {cp}", "this service signed is no longer stored", "delete from checkpoints where tree_size = {cp}"),
                c("checkpoints row forged", "checkpoints", "tree_size {cpForged}", mismatch,
                        "insert into checkpoints select tree_size + 100, root_hash, issued_at + interval '1 second', suite_id, note, tree_size, suite_events, audit_events,"
                                + " row_mac from checkpoints where tree_size = {cp}"),
                c("checkpoints rows reordered", "checkpoints", "tree_size {cp}", mismatch, "update checkpoints set tree_size = -1 where tree_size = {cp}",
                        "update checkpoints set tree_size = {cp} where tree_size = {cpMiddle}", "update checkpoints set tree_size = {cpMiddle} where tree_size = -1"),
                c("checkpoints row replayed from another deployment", "checkpoints", "tree_size {cp}", mismatch,
                        "update checkpoints set row_mac = '{otherCheckpoint}' where tree_size = {cp}"),
                // suite_events
                c("suite_events.payload changed", "suite_events", "event_seq {ev0}", mismatch, "update suite_events set payload = payload || ' ' where event_seq = {ev0}"),
                c("suite_events.event_type changed", "suite_events", "event_seq {ev1}", mismatch, "update suite_events set event_type = 'REVOKED' where event_seq = {ev1}"),
                c("suite_events.effective_at changed", "suite_events", "event_seq {ev1}", mismatch,
                        "update suite_events set effective_at = effective_at - interval '1 day' where event_seq = {ev1}"),
                c("suite_events.actor changed", "suite_events", "event_seq {ev1}", mismatch, "update suite_events set actor = 'mallory' where event_seq = {ev1}"),
                c("suite_events.row_mac changed", "suite_events", "event_seq {ev1}", mismatch,
                        "update suite_events set row_mac = '\\x00112233445566778899aabbccddeeff' where event_seq = {ev1}"),
                c("suite_events first row deleted", "suite_events", "event_seq {ev1}", "claims position 1 but is row 0", "delete from suite_events where event_seq = {ev0}"),
                c("suite_events latest row deleted", "suite_events", "positions 1..1", "are missing", "delete from suite_events where event_seq = {ev1}"),
                c("suite_events row forged", "suite_events", "event_seq", "has no authenticator",
                        "insert into suite_events (suite_id, event_type, effective_at, actor, payload) select suite_id, 'REVOKED', now(), 'mallory',"
                                + " '{\"compromised_since\":\"2026-01-01T00:00:00.000000Z\"}' from suite_events where event_seq = {ev0}"),
                c("suite_events rows reordered", "suite_events", "event_seq", "claims position", "update suite_events set position = -1 where event_seq = {ev0}",
                        "update suite_events set position = 0 where event_seq = {ev1}", "update suite_events set position = 1 where event_seq = {ev0}"),
                c("suite_events row replayed from another deployment", "suite_events", "event_seq {ev0}", mismatch,
                        "update suite_events set row_mac = '{otherEvent}' where event_seq = {ev0}"),
                // audit_events
                c("audit_events.detail changed", "audit_events", "event_seq {au0}", mismatch, "update audit_events set detail = 'nothing happened' where event_seq = {au0}"),
                c("audit_events.occurred_at changed", "audit_events", "event_seq {au0}", mismatch,
                        "update audit_events set occurred_at = occurred_at - interval '1 hour' where event_seq = {au0}"),
                c("audit_events first row deleted", "audit_events", "event_seq", "claims position", "delete from audit_events where event_seq = {au0}"),
                c("audit_events latest row deleted", "audit_events", "positions", "are missing", "delete from audit_events where event_seq = {auN}"),
                c("audit_events row forged", "audit_events", "event_seq", "has no authenticator",
                        "insert into audit_events (actor, action, outcome) values ('mallory', 'RotateSuite', 'OK')"),
                c("audit_events row replayed from another deployment", "audit_events", "event_seq {au0}", mismatch,
                        "update audit_events set row_mac = '\\x00112233445566778899aabbccddeeff' where event_seq = {au0}"),
                // reseals
                c("reseals.actor changed", "reseals", "new_seal_id {resealed}", mismatch, "update reseals set actor = 'mallory'"),
                c("reseals row deleted", "reseals", "new_seal_id {resealed}", "no reseals row links it", "delete from reseals"),
                c("reseals row forged", "reseals", "new_seal_id", mismatch,
                        "insert into reseals values (gen_random_uuid(), gen_random_uuid(), now(), 'mallory', null)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tamperingAsSuperuser_isDetectedAndNamed(Case k) throws Exception {
        try (Connection c = superuser()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("set local session_replication_role = replica"); // the WORM triggers are off, as for a superuser
                for (String sql : k.sql()) {
                    st.execute(fill(sql));
                }
            }
            IntegrityCheck.Report r = sweep(c);
            c.rollback();
            String row = fill(k.row());
            assertTrue(r.findings().stream().anyMatch(f -> f.table().equals(k.table()) && f.row().contains(row) && f.detail().contains(k.detail())),
                    k.name() + ": expected a finding in " + k.table() + " at '" + row + "' saying '" + k.detail() + "', got " + r.findings());
        }
    }

    /** A database restored from an older backup looks consistent on its own; against a checkpoint a client kept, it is caught. */
    @Test
    void rollbackToAnOlderBackup_isDetectedAgainstACheckpointAClientKept() throws Exception {
        dev.sealer.app.storage.StoredCheckpoint kept = log.checkpoint(0);
        try (Connection c = superuser()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("set local session_replication_role = replica");
                // what the database looked like at the middle checkpoint
                st.execute("delete from seal_signatures where leaf_index >= " + fx.middleCheckpoint());
                st.execute("delete from receipts where leaf_index >= " + fx.middleCheckpoint());
                st.execute("delete from log_nodes where (idx + 1) * (1::bigint << level) > " + fx.middleCheckpoint());
                st.execute("delete from checkpoints where tree_size > " + fx.middleCheckpoint());
                st.execute("delete from reseals");
            }
            IntegrityCheck alone = new IntegrityCheck(guard.authenticator(), suites.trustBundle()::suite, log.origin());
            List<Finding> withoutKept = IntegritySweep.run(c, alone).findings();
            IntegrityCheck againstKept = new IntegrityCheck(guard.authenticator(), suites.trustBundle()::suite, log.origin());
            againstKept.expect(kept.treeSize(), kept.rootHash(), "the kept checkpoint " + kept.treeSize());
            List<Finding> found = IntegritySweep.run(c, againstKept).findings();
            c.rollback();
            assertTrue(withoutKept.stream().noneMatch(f -> f.table().equals("receipts")), "a consistent old backup alone shows no broken receipts: " + withoutKept);
            assertTrue(found.stream().anyMatch(f -> f.row().equals("tree_size " + kept.treeSize()) && f.detail().contains("rolled back")), found.toString());
            assertTrue(found.stream().anyMatch(f -> f.table().equals("checkpoints") && f.detail().contains("is no longer stored")), found.toString());
        }
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last: it appends seals, and the cases aim at the fixture's latest rows
    void incrementalSweep_checksOnlyWhatWasAppendedSinceTheLastCleanPass_andFindsATamperedNewRow() throws Exception {
        IntegrityCheck.Report full = sweeper.sweep();
        assertTrue(full.clean(), full.findings().toString());
        SealResponse fresh = seals.seal(Grpc.request("tamper-incremental").build());
        log.issueCheckpoint();
        IntegrityCheck.Report incremental = sweeper.sweepIncremental();
        assertTrue(incremental.clean(), incremental.findings().toString());
        assertTrue(incremental.receipts() >= 1 && incremental.receipts() < full.receipts(), "incremental " + incremental + " vs full " + full);

        SealResponse later = seals.seal(Grpc.request("tamper-incremental-2").build());
        log.issueCheckpoint();
        String where = " where leaf_index = " + later.getSeal().getLeafIndex();
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("set session_replication_role = replica");
            st.execute("update receipts set signer = 'mallory'" + where);
        }
        try {
            IntegrityCheck.Report found = sweeper.sweepIncremental();
            assertTrue(found.findings().stream().anyMatch(f -> f.table().equals("receipts") && f.row().startsWith("leaf " + later.getSeal().getLeafIndex() + " ")),
                    found.findings().toString());
        } finally {
            try (Connection c = superuser(); Statement st = c.createStatement()) {
                st.execute("set session_replication_role = replica");
                st.execute("update receipts set signer = (select signer from receipts where leaf_index = " + fresh.getSeal().getLeafIndex() + ")" + where);
            }
        }
        assertTrue(sweeper.sweep().clean(), "restored");
    }

    @Test
    void theServiceRole_cannotTurnTheTriggersOff() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sealer_app", ""); Statement st = c.createStatement()) {
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> st.execute("set session_replication_role = replica"));
            assertEquals("42501", e.getSQLState(), e.getMessage());
        }
    }

    private IntegrityCheck.Report sweep(Connection c) throws SQLException {
        IntegrityCheck check = new IntegrityCheck(guard.authenticator(), suites.trustBundle()::suite, log.origin());
        log.lastIssued().ifPresent(cp -> check.expect(cp.treeSize(), cp.rootHash(), "checkpoint " + cp.treeSize() + " this service signed"));
        return IntegritySweep.run(c, check);
    }

    private String fill(String sql) throws SQLException {
        String s = sql.replace("{next}", Long.toString(fx.nextLeaf())).replace("{signed2}", Long.toString(fx.otherSignedLeaf()))
                .replace("{signed}", Long.toString(fx.signedLeaf())).replace("{cpMiddle}", Long.toString(fx.middleCheckpoint()))
                .replace("{cpForged}", Long.toString(fx.latestCheckpoint() + 100)).replace("{cp}", Long.toString(fx.latestCheckpoint()))
                .replace("{ev0}", Long.toString(fx.firstSuiteEvent())).replace("{ev1}", Long.toString(fx.secondSuiteEvent()))
                .replace("{au0}", Long.toString(fx.firstAudit())).replace("{auN}", Long.toString(fx.lastAudit()))
                .replace("{resealed}", fx.resealed().toString());
        if (s.contains("{other")) {
            s = s.replace("{otherReceipt5}", hex(OTHER.tag(Rows.receipt(5, leafHash(5), false))))
                    .replace("{otherSignatures}", hex(otherSignatures()))
                    .replace("{otherNode}", hex(OTHER.tag(Rows.logNode(4, 0, nodeHash(4, 0)))))
                    .replace("{otherCheckpoint}", hex(otherCheckpoint()))
                    .replace("{otherEvent}", hex(otherEvent()));
        }
        return s;
    }

    private byte[] leafHash(long leaf) throws SQLException {
        try (Connection c = superuser()) {
            return ReceiptStore.leafHashes(c, List.of(leaf)).get(leaf);
        }
    }

    private byte[] nodeHash(int level, long idx) throws SQLException {
        try (Connection c = superuser(); ResultSet rs = c.createStatement().executeQuery("select hash from log_nodes where level = " + level + " and idx = " + idx)) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    private byte[] otherSignatures() throws SQLException {
        try (Connection c = superuser();
                ResultSet rs = c.createStatement().executeQuery("select sig_ed25519, sig_ml_dsa from seal_signatures where leaf_index = " + fx.signedLeaf())) {
            rs.next();
            return OTHER.tag(Rows.signatures(fx.signedLeaf(), rs.getBytes(1), rs.getBytes(2)));
        }
    }

    private byte[] otherCheckpoint() throws SQLException {
        try (Connection c = superuser()) {
            dev.sealer.app.storage.StoredCheckpoint cp = LogStore.checkpointAt(c, fx.latestCheckpoint()).orElseThrow();
            return OTHER.tag(Rows.checkpoint(cp.treeSize(), cp.rootHash(), cp.issuedAt(), cp.suiteId(), cp.note(), cp.previousSize(), cp.suiteEvents(),
                    cp.auditEvents()));
        }
    }

    private byte[] otherEvent() throws SQLException {
        try (Connection c = superuser()) {
            var e = dev.sealer.store.SuiteEventStore.all(c).getFirst();
            return OTHER.tag(Rows.suiteEvent(0, new byte[0], e.suiteId(), e.type(), e.effectiveAt(), e.actor(), e.payload()));
        }
    }

    private void awaitAuditRows(int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = superuser()) {
                if (longs(c, "select count(*) from audit_events")[0] >= n) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("audit events not written");
    }

    private Connection superuser() throws SQLException {
        return DriverManager.getConnection(url, dev.sealer.testing.TestDatabase.get().username(), dev.sealer.testing.TestDatabase.get().password());
    }

    private static long[] longs(Connection c, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static String hex(byte[] b) {
        return "\\x" + HexFormat.of().formatHex(b);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
