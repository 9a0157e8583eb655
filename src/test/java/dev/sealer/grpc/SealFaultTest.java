package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.dev.DevToken;
import dev.sealer.dev.EmbeddedDatabase;
import dev.sealer.grpc.v1.SealResponse;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import dev.sealer.testing.TestHsm;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.security.AuthProvider;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.security.auth.callback.PasswordCallback;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real faults on real parts: PostgreSQL stopped under load, the HSM session logged out (token removal and return is
 * {@code HsmRecoveryIT}, in a process of its own, since it reinitialises the PKCS#11 module).
 */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class SealFaultTest {
    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;

    @Test
    void databaseStoppedMidLoad_callsFailUnavailableStoreUnavailable_noPartialRows_andSealingRecoversWithoutRestart() throws Exception {
        Assumptions.assumeTrue(TestDatabase.get().embedded().isPresent(), "needs the embedded server to stop it");
        EmbeddedDatabase db = TestDatabase.get().embedded().orElseThrow();
        String run = "dbfault-" + UUID.randomUUID().toString().substring(0, 8);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            load.add(pool.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String id = run + "-" + thread + "-" + i;
                    try {
                        SealResponse r = seals.withDeadlineAfter(30, TimeUnit.SECONDS).seal(Grpc.request(id).setRequestId(id).build());
                        acknowledged.add(r.getSeal().getSealId());
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || !"STORE_UNAVAILABLE".equals(Grpc.reason(e))) {
                            unexpected.add(e.getStatus() + " " + Grpc.reason(e));
                        }
                    }
                }
            }));
        }
        Thread.sleep(1500);
        db.stopServer();
        Thread.sleep(3000);
        db.startServer();
        Thread.sleep(1500);
        stop.set(true);
        for (Future<?> f : load) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertEquals(List.of(), unexpected, "while the database is down, calls fail only with UNAVAILABLE / STORE_UNAVAILABLE");
        SealResponse after = sealEventually(run + "-after");
        acknowledged.add(after.getSeal().getSealId());
        StoredSealsCheck.Result stored = StoredSealsCheck.run(run + "-%");
        assertTrue(stored.sealIds().containsAll(acknowledged), "every acknowledged seal survived");
        assertEquals(List.of(), stored.failures(), "every stored row is complete and verifies");
    }

    @jakarta.inject.Inject
    dev.sealer.app.HsmConnection hsm;

    @Test
    void hsmSessionLoggedOut_theNextProbeLogsInAgain_sealingGoesOn_everySealVerifies() throws Exception {
        long slot = TestHsm.slot(TestHsm.GOOD);
        Provider other = Security.getProvider("SunPKCS11").configure("--name=FaultInjector\nlibrary=" + DevToken.SOFTHSM_LIBRARY + "\nslot=" + slot + "\n");
        AuthProvider auth = (AuthProvider) other;
        char[] pin = TestHsm.get().pin(TestHsm.GOOD);
        auth.login(null, callbacks -> {
            for (var cb : callbacks) {
                if (cb instanceof PasswordCallback pc) {
                    pc.setPassword(pin);
                }
            }
        });
        auth.logout(); // C_Logout: every session of this process on the token loses its login
        RuntimeException lost = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> hsm.hsm().probe(),
                "the service's own session lost its login");
        assertTrue(String.valueOf(lost.getMessage()).contains("CKR_"), lost.getMessage());

        String run = "hsmfault-" + UUID.randomUUID().toString().substring(0, 8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        boolean back = false;
        for (int i = 0; !back && System.nanoTime() < deadline; i++) {
            sealEventually(run + "-" + i); // sealing needs no HSM call per seal; it only stops when a probe failed
            try {
                hsm.hsm().probe();
                back = true;
            } catch (RuntimeException stillLoggedOut) {
                Thread.sleep(100);
            }
        }
        assertTrue(back, "the scheduled probe logged in again without a restart");
        assertEquals(1, hsm.up());

        SealResponse after = sealEventually(run + "-after");
        assertTrue(after.hasSeal());
        assertEquals(List.of(), StoredSealsCheck.run(run + "-%").failures());
    }

    private SealResponse sealEventually(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StatusRuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return seals.seal(Grpc.request(requestId).setRequestId(requestId).build());
            } catch (StatusRuntimeException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw new AssertionError("sealing did not recover within 30 s", last);
    }

}
