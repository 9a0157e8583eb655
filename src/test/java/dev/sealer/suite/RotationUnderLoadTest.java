package dev.sealer.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.seal.Receipt;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.core.suite.TrustBundle;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListSuitesRequest;
import dev.sealer.grpc.v1.RotateSuiteRequest;
import dev.sealer.grpc.v1.SealMode;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.grpc.v1.VerifyResponse;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.OwnDatabaseProfile;
import dev.sealer.testing.TestClock;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rotation never pulls keys from under a signer and never lets a seal be made outside its
 * suite's window: 100 rotations while 16 callers seal and verify without pause. The profile
 * has no handover, so every rotation ends the old suite's signing at its own instant, the
 * hardest case for the window check.
 */
@QuarkusTest
@TestProfile(RotationUnderLoadTest.NoHandover.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RotationUnderLoadTest {
    public static class NoHandover extends OwnDatabaseProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("sealer.suite.handover", "PT0S");
            return m;
        }
    }

    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;

    @AfterEach
    void resetClock() {
        TestClock.reset();
    }

    @Test
    @Order(1)
    void hundredRotationsWhileSixteenCallersSealAndVerify_noErrorAndEverySealValid() throws Exception {
        int before = keys.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesCount();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<SealRecord> signed = new ConcurrentLinkedQueue<>();
        AtomicInteger sealed = new AtomicInteger();
        AtomicInteger verified = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(16);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            SealMode mode = i % 2 == 0 ? SealMode.SIGNED : SealMode.ANCHORED;
            int caller = i;
            callers.add(Thread.ofPlatform().name("caller-" + i).start(() -> {
                running.countDown();
                for (int n = 0; !stop.get(); n++) {
                    try {
                        SealRecord seal = seals.seal(Grpc.request("c" + caller + "-" + n).setMode(mode).build()).getSeal();
                        sealed.incrementAndGet();
                        if (mode == SealMode.SIGNED) {
                            signed.add(seal);
                        }
                        VerifyResponse v = seals.verify(VerifyRequest.newBuilder().setSeal(seal).build());
                        if (v.getVerdict() != dev.sealer.grpc.v1.Verdict.VALID) {
                            errors.add(mode + " seal " + seal.getSealId() + " of " + seal.getSuiteId() + ": " + v.getReason() + " " + v.getDetail());
                        }
                        verified.incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.add(mode + " caller " + caller + ": " + e);
                    }
                }
            }));
        }
        running.await();
        int rotated = 0;
        for (int r = 0; r < 100; r++) {
            if (keys.rotateSuite(RotateSuiteRequest.getDefaultInstance()).getRotated()) {
                rotated++;
            }
            Thread.sleep(20);
        }
        Thread.sleep(200);
        stop.set(true);
        for (Thread t : callers) {
            t.join();
        }
        assertEquals(100, rotated);
        assertEquals(List.of(), new ArrayList<>(errors));
        assertEquals(before + 100, keys.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesCount());
        assertTrue(sealed.get() >= 200 && verified.get() == sealed.get(), "sealed " + sealed.get() + ", verified " + verified.get());
        long suitesUsed = signed.stream().map(SealRecord::getSuiteId).distinct().count();
        assertTrue(suitesUsed >= 20, "signed seals spread over " + suitesUsed + " suites");

        // and offline, against the trust bundle published after the last rotation
        SealVerifier offline = new SealVerifier(TrustBundle.parse(keys.getTrustBundle(GetTrustBundleRequest.getDefaultInstance()).getTrustBundleJson()));
        List<String> invalid = new ArrayList<>();
        for (SealRecord s : signed) {
            Verdict v = offline.verify(Receipt.parse(s.getReceiptJson().toByteArray()),
                    new DualSignature(s.getEd25519Signature().toByteArray(), s.getMlDsaSignature().toByteArray()), Optional.empty());
            if (!v.valid()) {
                invalid.add(s.getSealId() + ": " + v);
            }
        }
        assertEquals(List.of(), invalid);
    }

    /**
     * Revoking the active suite ends its signing at the revocation's instant, with no handover:
     * a seal is either committed before that and signed by the revoked suite, or signed by the
     * successor; none is committed after its suite stopped signing (OUTSIDE_VALIDITY).
     */
    @Test
    @Order(2)
    void twentyRevocationsOfTheActiveSuiteWhileCallersSeal_noSealOutsideItsSuitesWindow() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<SealRecord> made = new ConcurrentLinkedQueue<>();
        CountDownLatch running = new CountDownLatch(16);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            SealMode mode = i % 2 == 0 ? SealMode.SIGNED : SealMode.ANCHORED;
            int caller = i;
            callers.add(Thread.ofPlatform().name("caller-" + i).start(() -> {
                running.countDown();
                for (int n = 0; !stop.get(); n++) {
                    try {
                        made.add(seals.seal(Grpc.request("r" + caller + "-" + n).setMode(mode).build()).getSeal());
                    } catch (RuntimeException e) {
                        errors.add(mode + " caller " + caller + ": " + e);
                    }
                }
            }));
        }
        running.await();
        for (int r = 0; r < 20; r++) {
            String active = keys.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList().stream()
                    .filter(s -> s.getStatus().equals("ACTIVE")).findFirst().orElseThrow().getSuiteId();
            keys.revokeSuite(dev.sealer.grpc.v1.RevokeSuiteRequest.newBuilder().setSuiteId(active)
                    .setCompromisedSince(TestClock.now().toString()).setReason("drill " + r).build());
            Thread.sleep(30);
        }
        stop.set(true);
        for (Thread t : callers) {
            t.join();
        }
        assertEquals(List.of(), new ArrayList<>(errors));
        List<String> outside = new ArrayList<>();
        int valid = 0;
        for (SealRecord seal : made) {
            VerifyResponse v = seals.verify(VerifyRequest.newBuilder().setSeal(seal).build());
            if (v.getVerdict() == dev.sealer.grpc.v1.Verdict.VALID) {
                valid++;
            } else if (!v.getReason().equals("SUITE_REVOKED")) {
                outside.add(seal.getSealId() + " of " + seal.getSuiteId() + ": " + v.getReason() + " " + v.getDetail());
            }
        }
        assertEquals(List.of(), outside);
        assertTrue(made.size() >= 100 && valid > 0, made.size() + " seals, " + valid + " valid");
    }

    /** Runs last: it moves the service clock past the signing window (this profile's database is dropped after the class). */
    @Test
    @Order(3)
    void sealRightAfterTheSigningWindowEnds_isSignedByTheSuccessorTheSchedulerActivates_andVerifies() {
        String before = keys.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList().stream()
                .filter(s -> s.getStatus().equals("ACTIVE")).findFirst().orElseThrow().getSuiteId();
        TestClock.advance(Duration.ofDays(366)); // the active suite's window (rotation period 365 days) is over
        for (SealMode mode : List.of(SealMode.SIGNED, SealMode.ANCHORED)) {
            SealRecord seal = seals.seal(Grpc.request("after-window-" + mode).setMode(mode).build()).getSeal();
            assertTrue(!seal.getSuiteId().equals(before), mode + " seal was signed by " + seal.getSuiteId() + ", whose window is over");
            VerifyResponse v = seals.verify(VerifyRequest.newBuilder().setSeal(seal).build());
            assertEquals(dev.sealer.grpc.v1.Verdict.VALID, v.getVerdict(), v.getReason() + " " + v.getDetail());
        }
    }
}
