package dev.sealer.app.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-caller fairness: a caller at its share is shed while another caller is still admitted; releasing frees the share. */
class CallerQuotaTest {

    private static CallerQuota quota(int perCaller, SimpleMeterRegistry metrics) {
        CallerQuota q = new CallerQuota();
        q.perCaller = perCaller;
        q.metrics = metrics;
        q.start();
        return q;
    }

    @Test
    void aCallerAtItsShare_isShed_whileAnotherCallerIsAdmitted() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        CallerQuota q = quota(3, metrics);
        List<CallerQuota.Permit> flood = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            flood.add(q.acquire("CN=greedy"));
        }
        SealerException e = assertThrows(SealerException.class, () -> q.acquire("CN=greedy"));
        assertEquals(Reason.OVERLOADED, e.reason());
        assertEquals(1.0, metrics.counter("sealer.admission.caller.shed").count());
        try (CallerQuota.Permit other = q.acquire("CN=modest")) {
            assertEquals(1, q.inFlight("CN=modest"));
        }
        assertEquals(0, q.inFlight("CN=modest"), "an idle caller leaves no entry behind");
        flood.getFirst().close();
        flood.getFirst().close(); // idempotent: one release per permit
        assertEquals(2, q.inFlight("CN=greedy"));
        flood.add(q.acquire("CN=greedy"));
        flood.forEach(CallerQuota.Permit::close);
        assertEquals(0, q.inFlight("CN=greedy"));
    }
}
