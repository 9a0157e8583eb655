package dev.sealer.core.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.crypto.InMemoryPseudoRandomKey;
import dev.sealer.core.crypto.SecretBytes;
import dev.sealer.core.crypto.SignatureAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Leases keep superseded keys alive exactly as long as a signer holds them. */
class SuiteKeyringTest {
    static final InMemoryPseudoRandomKey ROOT = InMemoryPseudoRandomKey.of(SecretBytes.wrap(new byte[32]));

    static SuiteKeys keys(String id) {
        return SuiteKeys.operational(ROOT, id, SignatureAlgorithm.ML_DSA_65);
    }

    @Test
    void supersededKeys_stayUsableWhileALeaseIsOpen_andAreWipedWhenTheLastLeaseCloses() {
        SuiteKeyring ring = new SuiteKeyring();
        SuiteKeys a = keys("a");
        ring.install(a);
        SuiteKeyring.Lease l1 = ring.acquire();
        SuiteKeyring.Lease l2 = ring.acquire();
        SuiteKeys b = keys("b");
        ring.install(b);
        assertEquals("b", ring.acquire().suiteId());
        assertFalse(a.ed25519().isWiped(), "two leases are open");
        l1.keys().sign(new byte[] {1});
        l1.close();
        l1.close(); // a second close must not release twice
        assertFalse(a.ed25519().isWiped(), "one lease is open");
        assertTrue(SuiteKeys.class.isInstance(l2.keys()));
        l2.keys().sign(new byte[] {2});
        l2.close();
        assertTrue(a.ed25519().isWiped() && a.mlDsa().isWiped(), "wiped with the last lease");
        assertThrows(IllegalStateException.class, l2::keys);
        ring.close();
        assertThrows(IllegalStateException.class, ring::acquire);
    }

    @Test
    void supersededKeysWithoutLeases_areWipedAtOnce() {
        SuiteKeyring ring = new SuiteKeyring();
        SuiteKeys a = keys("a");
        ring.install(a);
        ring.install(keys("b"));
        assertTrue(a.ed25519().isWiped());
    }

    @Test
    void signersRacingInstalls_neverSeeAWipedKey_andEveryRetiredSetEndsWiped() throws Exception {
        SuiteKeyring ring = new SuiteKeyring();
        ring.install(keys("k-0"));
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger signatures = new AtomicInteger();
        List<Thread> signers = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            signers.add(Thread.ofPlatform().start(() -> {
                started.countDown();
                byte[] m = new byte[] {7};
                while (!stop.get()) {
                    try (SuiteKeyring.Lease lease = ring.acquire()) {
                        lease.keys().ed25519().sign(m);
                        signatures.incrementAndGet();
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }
            }));
        }
        started.await();
        List<SuiteKeys> installed = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            SuiteKeys k = keys("k-" + i);
            installed.add(k);
            ring.install(k);
            Thread.sleep(0, 200_000);
        }
        stop.set(true);
        for (Thread t : signers) {
            t.join();
        }
        assertEquals(List.of(), new ArrayList<>(errors));
        assertTrue(signatures.get() > 200, "signatures: " + signatures.get());
        for (SuiteKeys k : installed.subList(0, installed.size() - 1)) {
            assertTrue(k.ed25519().isWiped(), k.suiteId() + " superseded and no lease open: wiped");
        }
        assertFalse(installed.getLast().ed25519().isWiped(), "the installed keys are kept");
    }
}
