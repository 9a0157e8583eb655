package dev.sealer.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.app.commit.BatchListener;
import dev.sealer.app.seal.CommitQueue;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealIds;
import dev.sealer.core.seal.Stage;
import dev.sealer.grpc.ErrorMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.storage.Tables;
import org.junit.jupiter.api.Test;

/**
 * The commit queue is bounded: while the writer is stuck (a database that does not answer,
 * injected here because a real one cannot be made to hang on demand), seals beyond the
 * capacity are shed at once with OVERLOADED and counted, instead of piling up in memory.
 */
class CommitQueueAdmissionTest {

    @Test
    void fullCommitQueue_shedsAtOnceWithOverloaded_andCountsIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger shed = new AtomicInteger();
        CommitQueue queue = new CommitQueue(new StuckStorage(release), 1, 2, new NoListener(), null, shed::incrementAndGet);
        try {
            List<CompletableFuture<CommitQueue.Outcome>> accepted = new ArrayList<>();
            accepted.add(submit(queue, "in-the-writer")); // taken by the writer, which then hangs on the database
            Thread.sleep(200);
            accepted.add(submit(queue, "waiting-1"));
            accepted.add(submit(queue, "waiting-2"));
            long t0 = System.nanoTime();
            CompletableFuture<CommitQueue.Outcome> over = submit(queue, "one-too-many");
            assertTrue(over.isCompletedExceptionally(), "shed at once, not queued");
            assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(100));
            SealerException e = (SealerException) assertThrowsCause(over);
            assertEquals(Reason.OVERLOADED, e.reason());
            assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, ErrorMapper.code(e.reason()));
            assertEquals(1, shed.get());
            accepted.forEach(f -> assertFalse(f.isDone(), "admitted seals wait for the writer"));
        } finally {
            release.countDown();
            queue.close();
        }
    }

    private static CompletableFuture<CommitQueue.Outcome> submit(CommitQueue q, String id) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Receipt r = new Receipt(SealIds.next(now), "req-" + id, new Digest(DigestAlgorithm.SHA_256, new byte[32]), "s", Stage.TRAINING,
                new TreeMap<>(), List.of(), "suite-20261201-00000000", now, "test");
        return q.submit(r, r.canonicalBytes(), null, null);
    }

    private static Throwable assertThrowsCause(CompletableFuture<?> f) {
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    private record NoListener() implements BatchListener {
        @Override
        public long begin(Tables t) {
            return 0;
        }

        @Override
        public void inserted(Tables t, List<StoredSeal> rows) {
        }

        @Override
        public void committed(long nextLeafIndex) {
        }

        @Override
        public void rolledBack() {
        }
    }

    /** A database that does not answer until released (then refuses): the writer hangs in its transaction. */
    private record StuckStorage(CountDownLatch release) implements Storage {
        private <T> T hang(String what) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SealerException(Reason.STORE_UNAVAILABLE, what + ": the test database does not answer");
        }

        @Override
        public <T> T read(String what, Work<T> work) {
            return hang(what);
        }

        @Override
        public <T> T transaction(String what, Work<T> work) {
            return hang(what);
        }

        @Override
        public <T> T snapshot(String what, Work<T> work) {
            return hang(what);
        }

        @Override
        public Session session() {
            return new Session() {
                @Override
                public <T> T transaction(String what, Work<T> work) {
                    return hang(what);
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
