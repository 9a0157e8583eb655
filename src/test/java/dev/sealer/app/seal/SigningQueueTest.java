package dev.sealer.app.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The signing queue's order: FIFO while short, newest first under overload, an aged-out oldest before anything. */
class SigningQueueTest {
    record Task(String name, boolean stale) implements Runnable, SigningQueue.Timed {
        @Override
        public void run() {
        }

        @Override
        public boolean stale(long nowNanos) {
            return stale;
        }
    }

    static List<String> drain(SigningQueue q) throws InterruptedException {
        List<String> order = new ArrayList<>();
        while (!q.isEmpty()) {
            order.add(((Task) q.take()).name());
        }
        return order;
    }

    @Test
    void whileAtMostTheThresholdWait_theOldestGoesFirst() throws InterruptedException {
        SigningQueue q = new SigningQueue(16, 3);
        for (String n : List.of("a", "b", "c")) {
            q.offer(new Task(n, false));
        }
        assertEquals(List.of("a", "b", "c"), drain(q));
    }

    @Test
    void beyondTheThreshold_theNewestGoesFirst_untilTheQueueIsShortAgain() throws InterruptedException {
        SigningQueue q = new SigningQueue(16, 2);
        for (String n : List.of("a", "b", "c", "d", "e")) {
            q.offer(new Task(n, false));
        }
        // 5 waiting: e; 4: d; 3: c; then 2 left, first in first out: a, b
        assertEquals(List.of("e", "d", "c", "a", "b"), drain(q));
    }

    @Test
    void underOverload_anOldestThatWaitedTooLong_isTakenFirst_soItIsShedRatherThanLeftAtTheBottom() throws InterruptedException {
        SigningQueue q = new SigningQueue(16, 1);
        q.offer(new Task("old", true));
        q.offer(new Task("b", false));
        q.offer(new Task("c", false));
        assertEquals("old", ((Task) q.take()).name());
        assertEquals("c", ((Task) q.take()).name(), "then the newest again");
    }

    @Test
    void theQueueIsBounded_andEmptyPollsAnswerNull() throws InterruptedException {
        SigningQueue q = new SigningQueue(2, 1);
        q.offer(new Task("a", false));
        q.offer(new Task("b", false));
        assertFalse(q.offer(new Task("c", false)), "full: the pool refuses the task, and the seal is shed");
        drain(q);
        assertNull(q.poll());
        assertNull(q.poll(1, java.util.concurrent.TimeUnit.MILLISECONDS));
    }
}
