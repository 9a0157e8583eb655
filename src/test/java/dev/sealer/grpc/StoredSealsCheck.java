package dev.sealer.grpc;

import dev.sealer.core.seal.Receipt;
import dev.sealer.store.ReceiptStore;
import dev.sealer.core.crypto.SignedMessage;
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
            // the rows as the store rebuilds them; the signatures are checked here against the suites' certificates
            List<java.util.UUID> matching = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select seal_id from receipts where request_id like ?")) {
                ps.setString(1, requestIdPattern);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        matching.add(rs.getObject(1, java.util.UUID.class));
                    }
                }
            }
            for (dev.sealer.app.storage.StoredSeal s : ReceiptStore.bySealIds(c, matching)) {
                String id = s.sealId().toString();
                if (!ids.add(id)) {
                    failures.add(id + ": duplicate");
                }
                try {
                    Receipt r = Receipt.parse(s.canonical());
                    if (!r.equals(s.receipt())) {
                        failures.add(id + ": canonical bytes do not parse back to the stored receipt");
                    }
                    if (!suites.get(r.suiteId()).verifies(SignedMessage.receipt(s.canonical()), new DualSignature(s.sigEd25519(), s.sigMlDsa()))) {
                        failures.add(id + ": signatures do not verify");
                    }
                } catch (RuntimeException e) {
                    failures.add(id + ": " + e);
                }
            }
        }
        return new Result(ids, failures);
    }
}
