package dev.sealer.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The service clock in tests: real time plus an offset the lifecycle tests move forward (and
 * reset). Every other test sees real time.
 */
public class TestClock extends Clock {
    private static volatile Duration offset = Duration.ZERO;

    public static void advance(Duration d) {
        offset = offset.plus(d);
    }

    public static void reset() {
        offset = Duration.ZERO;
    }

    public static Instant now() {
        return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now();
    }

    /** Replaces the production clock bean in every @QuarkusTest. */
    public static class Producer {
        @Produces
        @Singleton
        @Alternative
        @Priority(10)
        Clock clock() {
            return new TestClock();
        }
    }
}
