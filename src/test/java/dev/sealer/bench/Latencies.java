package dev.sealer.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * Latency recorder for one writer (one client thread or one stream). Uses an HdrHistogram
 * ({@code org.HdrHistogram.Histogram}, 3 significant digits, microseconds) when it is on the
 * classpath — Quarkus brings it in through micrometer-core, but only at runtime scope, so it is
 * reached reflectively — and otherwise keeps every sample and sorts them.
 */
abstract sealed class Latencies permits Latencies.Hdr, Latencies.Sorted {

    static final boolean HDR_AVAILABLE = Hdr.CLASS != null;

    static Latencies create() {
        return HDR_AVAILABLE ? new Hdr() : new Sorted();
    }

    static String implementation() {
        return HDR_AVAILABLE ? "HdrHistogram (3 significant digits, µs)" : "sorted array of every sample";
    }

    /** Records one latency in nanoseconds. */
    abstract void record(long nanos);

    /** Adds the other recorder's samples to this one (same implementation). */
    abstract void add(Latencies other);

    abstract long count();

    /** The latency at percentile {@code p} (0..100), in milliseconds. */
    abstract double percentileMillis(double p);

    abstract double maxMillis();

    static final class Hdr extends Latencies {
        static final Class<?> CLASS;
        private static final MethodHandle NEW;
        private static final MethodHandle RECORD;
        private static final MethodHandle ADD;
        private static final MethodHandle COUNT;
        private static final MethodHandle PERCENTILE;
        private static final MethodHandle MAX;

        static {
            Class<?> c = null;
            MethodHandle n = null, r = null, a = null, cnt = null, p = null, m = null;
            try {
                c = Class.forName("org.HdrHistogram.Histogram");
                Class<?> abstractHistogram = Class.forName("org.HdrHistogram.AbstractHistogram");
                MethodHandles.Lookup l = MethodHandles.publicLookup();
                n = l.findConstructor(c, MethodType.methodType(void.class, long.class, int.class));
                r = l.findVirtual(c, "recordValue", MethodType.methodType(void.class, long.class));
                a = l.findVirtual(c, "add", MethodType.methodType(void.class, abstractHistogram));
                cnt = l.findVirtual(c, "getTotalCount", MethodType.methodType(long.class));
                p = l.findVirtual(c, "getValueAtPercentile", MethodType.methodType(long.class, double.class));
                m = l.findVirtual(c, "getMaxValue", MethodType.methodType(long.class));
            } catch (ReflectiveOperationException | LinkageError e) {
                c = null;
            }
            CLASS = c;
            NEW = n;
            RECORD = r;
            ADD = a;
            COUNT = cnt;
            PERCENTILE = p;
            MAX = m;
        }

        private final Object histogram;

        Hdr() {
            try {
                histogram = NEW.invoke(600_000_000L, 3); // up to 10 minutes, in µs
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        void record(long nanos) {
            try {
                RECORD.invoke(histogram, Math.max(1L, Math.min(nanos / 1_000L, 600_000_000L)));
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        void add(Latencies other) {
            try {
                ADD.invoke(histogram, ((Hdr) other).histogram);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        long count() {
            try {
                return (long) COUNT.invoke(histogram);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        double percentileMillis(double p) {
            try {
                return ((long) PERCENTILE.invoke(histogram, p)) / 1_000.0;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        double maxMillis() {
            try {
                return ((long) MAX.invoke(histogram)) / 1_000.0;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    static final class Sorted extends Latencies {
        private long[] samples = new long[1024];
        private int size;
        private boolean sorted;

        @Override
        void record(long nanos) {
            if (size == samples.length) {
                samples = Arrays.copyOf(samples, size * 2);
            }
            samples[size++] = nanos;
            sorted = false;
        }

        @Override
        void add(Latencies other) {
            Sorted o = (Sorted) other;
            for (int i = 0; i < o.size; i++) {
                record(o.samples[i]);
            }
        }

        @Override
        long count() {
            return size;
        }

        @Override
        double percentileMillis(double p) {
            if (size == 0) {
                return Double.NaN;
            }
            if (!sorted) {
                Arrays.sort(samples, 0, size);
                sorted = true;
            }
            int idx = (int) Math.ceil(p / 100.0 * size) - 1;
            return samples[Math.max(0, Math.min(size - 1, idx))] / 1e6;
        }

        @Override
        double maxMillis() {
            return percentileMillis(100);
        }
    }
}
