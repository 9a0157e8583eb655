package dev.sealer.grpc;

import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SignedMessage;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.json.Json;
import dev.sealer.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads seals straight from PostgreSQL and checks each row is complete and verifies under its suite certificate. */
final class StoredSealsCheck {
    record Result(Set<String> sealIds, List<String> failures) {
    }

    static Result run(String requestIdPattern) throws Exception {
        Map<String, SuiteCertificate> suites = new HashMap<>();
        Set<String> ids = new HashSet<>();
        List<String> failures = new ArrayList<>();
        try (Connection c = TestDatabase.get().connect()) {
            try (PreparedStatement ps = c.prepareStatement("select suite_id, payload from suite_events where event_type = 'CREATED'");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    suites.put(rs.getString(1), SuiteCertificate.fromJsonValue(Json.parseObject(rs.getString(2))));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "select seal_id, receipt, sig_ed25519, sig_ml_dsa, request_id from receipts where request_id like ?")) {
                ps.setString(1, requestIdPattern);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        if (!ids.add(id)) {
                            failures.add(id + ": duplicate");
                        }
                        try {
                            Receipt r = Receipt.parse(rs.getBytes(2));
                            if (!r.sealId().toString().equals(id) || !r.requestId().equals(rs.getString(5))) {
                                failures.add(id + ": row and receipt disagree");
                            }
                            if (!suites.get(r.suiteId()).verifies(SignedMessage.receipt(rs.getBytes(2)), new DualSignature(rs.getBytes(3), rs.getBytes(4)))) {
                                failures.add(id + ": signatures do not verify");
                            }
                        } catch (RuntimeException e) {
                            failures.add(id + ": " + e);
                        }
                    }
                }
            }
        }
        return new Result(ids, failures);
    }
}
