package dev.sealer.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListSealsRequest;
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
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduler;
import jakarta.inject.Inject;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the active suite's signing window is over and the scheduler has not rotated, a seal is
 * not signed by that suite (its receipt would never verify) and the request thread does not
 * rotate: the caller gets a retryable UNAVAILABLE, and seals again once a suite signs.
 */
@QuarkusTest
@TestProfile(SigningWindowGapTest.SchedulerAsleep.class)
class SigningWindowGapTest {
    public static class SchedulerAsleep extends OwnDatabaseProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("sealer.suite.check-interval", "1h"); // and paused by the test
            m.put("sealer.suite.signing-wait", "PT0.3S");
            return m;
        }
    }

    @Inject
    Scheduler scheduler;
    @GrpcClient
    SealServiceGrpc.SealServiceBlockingStub seals;
    @GrpcClient
    KeyServiceGrpc.KeyServiceBlockingStub keys;

    @AfterEach
    void resetClock() {
        TestClock.reset();
        scheduler.resume("suite-lifecycle");
    }

    String active() {
        return keys.listSuites(ListSuitesRequest.getDefaultInstance()).getSuitesList().stream().filter(s -> s.getStatus().equals("ACTIVE"))
                .findFirst().orElseThrow().getSuiteId();
    }

    @Test
    void sealAfterTheWindowEndedWithoutRotation_isUnavailableAndRetryable_notSignedAndNotRotatedOnTheRequestThread() throws Exception {
        scheduler.pause("suite-lifecycle"); // the scheduler is late: it does not rotate while this test runs
        Thread.sleep(300); // lets a check that started before the pause finish
        String before = active();
        TestClock.advance(Duration.ofDays(366)); // past sign_until (rotation period 365 days)
        for (SealMode mode : new SealMode[] {SealMode.SIGNED, SealMode.ANCHORED}) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> seals.seal(Grpc.request("gap-" + mode).setMode(mode).setRequestId("gap-" + mode).build()));
            assertEquals(Status.Code.UNAVAILABLE, Grpc.code(e), mode + ": " + e.getStatus());
            assertEquals("HSM_UNAVAILABLE", Grpc.reason(e));
            assertTrue(e.getStatus().getDescription().contains("retry"), e.getStatus().getDescription());
        }
        assertEquals(before, active(), "a seal does not rotate");
        assertEquals(0, seals.listSeals(ListSealsRequest.newBuilder().setRequestId("gap-SIGNED").build()).getSealsCount(), "nothing stored");

        assertTrue(keys.rotateSuite(RotateSuiteRequest.newBuilder().setExpectedActiveSuiteId(before).build()).getRotated());
        SealRecord seal = seals.seal(Grpc.request("gap-SIGNED").setRequestId("gap-SIGNED").build()).getSeal();
        assertTrue(!seal.getSuiteId().equals(before));
        VerifyResponse v = seals.verify(VerifyRequest.newBuilder().setSeal(seal).build());
        assertEquals(dev.sealer.grpc.v1.Verdict.VALID, v.getVerdict(), v.getReason() + " " + v.getDetail());
    }
}
