package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The CPU backend's pool runs every index once, from any number of callers, and reports a body's failure. */
class WorkPoolTest {

    @Test
    void everyIndexRunsExactlyOnceInAlignedRanges() {
        for (int count : new int[] {1, 7, 64, 1000}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(count);
            WorkPool.run(count, 4, 8, (from, to) -> {
                assertEquals(0, from % 8, "a range starts on the alignment");
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
            });
            for (int i = 0; i < count; i++) {
                assertEquals(1, runs.get(i), "index " + i + " of " + count);
            }
        }
    }

    @Test
    void aWorkerThatHasGoneToSleepIsWokenForTheNextCall() throws Exception {
        for (int call = 0; call < 3; call++) {
            // longer than the spin, so the workers park and must be woken
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(WorkPool.SPIN_NANOS) + 20);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            int parts = Math.min(WorkPool.THREADS, 2);
            // each range waits for the other: the call ends only if a worker runs one while the caller runs the other
            CyclicBarrier bothRunning = new CyclicBarrier(parts);
            WorkPool.run(parts, parts, 1, (from, to) -> {
                threads.add(Thread.currentThread());
                try {
                    bothRunning.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    throw new IllegalStateException("no worker took the second range", e);
                }
            });
            assertEquals(parts, threads.size());
        }
    }

    @Test
    void manyCallersShareThePoolAndEachGetsAllItsRanges() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int caller = 0; caller < 6; caller++) {
                results.add(callers.submit(() -> {
                    for (int call = 0; call < 300; call++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(97);
                        WorkPool.run(97, 8, 1, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                runs.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < runs.length(); i++) {
                            if (runs.get(i) != 1) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get(60, TimeUnit.SECONDS), "a call ran an index twice or not at all");
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void theFirstFailureOfABodyIsRethrownToTheCaller() {
        IllegalStateException thrown = new IllegalStateException("range failed");
        IllegalStateException caught = assertThrows(IllegalStateException.class,
                () -> WorkPool.run(100, 4, 1, (from, to) -> {
                    if (from == 0) {
                        throw thrown;
                    }
                }));
        assertSame(thrown, caught);
        AtomicIntegerArray runs = new AtomicIntegerArray(10);
        WorkPool.run(10, 4, 1, (from, to) -> runs.incrementAndGet(from));
        assertEquals(1, runs.get(0), "the pool still works after a failure");
    }

    @Test
    void anInterruptedCallerWaitsForTheHelpersAndKeepsItsInterrupt() {
        Thread caller = Thread.currentThread();
        AtomicIntegerArray done = new AtomicIntegerArray(2);
        AtomicIntegerArray helperStarted = new AtomicIntegerArray(1);
        caller.interrupt();
        try {
            WorkPool.run(2, 2, 1, (from, to) -> {
                if (Thread.currentThread() != caller) {
                    helperStarted.set(0, 1);
                    // the helper is still writing when the caller has finished its own range
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                } else {
                    // leave the other range to the helper (spinning: the caller's interrupt ends any blocking wait)
                    for (long start = System.nanoTime(); helperStarted.get(0) == 0
                            && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2); ) {
                        Thread.onSpinWait();
                    }
                }
                done.set(from, 1);
            });
            assertEquals(1, done.get(0), "range 0 finished before the call returned");
            assertEquals(1, done.get(1), "range 1 finished before the call returned");
        } finally {
            assertTrue(Thread.interrupted(), "the caller's interrupt is kept (and cleared here)");
        }
        assertTrue(WorkPool.THREADS == 1 || helperStarted.get(0) == 1, "a helper took one of the ranges");
    }

    @Test
    void aCheckedExceptionThrownByABodyReachesTheCallerWrapped() {
        KilnException e = assertThrows(KilnException.class, () -> WorkPool.run(100, 4, 1, (from, to) -> {
            if (from == 0) {
                throwUnchecked(new java.io.IOException("disk gone"));
            }
        }));
        assertTrue(e.getMessage().contains("disk gone"), e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable throwable) throws T {
        throw (T) throwable;
    }

    @Test
    void theSpinSettingIsWholeMicroseconds() {
        assertEquals(200_000, WorkPool.spinNanos("200"));
        assertEquals(0, WorkPool.spinNanos("0"));
        assertEquals(1_000_000_000L, WorkPool.spinNanos("1000000"));
        for (String bad : new String[] {"-1", "2.5", "fast", "1000001", "99999999999999999"}) {
            KilnException e = assertThrows(KilnException.class, () -> WorkPool.spinNanos(bad));
            assertTrue(e.getMessage().contains("kiln.cpu.spin") && e.getMessage().contains(bad), e.getMessage());
        }
    }
}
