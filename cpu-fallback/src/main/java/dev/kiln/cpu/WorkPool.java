package dev.kiln.cpu;

import dev.kiln.KilnException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one pool of daemon threads shared by every CPU backend, sized to the cores. Work is cut into a fixed
 * number of contiguous ranges that depends only on the problem size, so results never depend on timing.
 */
final class WorkPool {
    /** Threads that may work on one call, the calling thread included. */
    static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private static final ExecutorService POOL = THREADS == 1 ? null : Executors.newFixedThreadPool(THREADS - 1, task -> {
        Thread thread = new Thread(task, "kiln-cpu-worker");
        thread.setDaemon(true);
        return thread;
    });
    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);

    /** Body of a parallel loop over the index range [from, to). */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    private WorkPool() {
    }

    /** Number of tasks for {@code count} items when each task should get at least {@code grain} items. */
    static int tasksFor(long count, long grain) {
        return (int) Math.max(1, Math.min(THREADS, count / Math.max(1, grain)));
    }

    /**
     * Runs {@code body} over [0, count) cut into {@code tasks} contiguous ranges whose bounds are multiples of
     * {@code align} (except the last). Each range goes to whichever thread claims it first, the calling thread
     * included, so that a worker the OS schedules late (other processes on the cores) takes fewer ranges, or none.
     */
    static void run(int count, int tasks, int align, RangeBody body) {
        int units = (count + align - 1) / align;
        int parts = Math.min(tasks, units);
        if (parts <= 1 || POOL == null || IN_POOL.get()) {
            if (count > 0) {
                body.run(0, count);
            }
            return;
        }
        Ranges ranges = new Ranges(count, units, parts, align, body);
        for (int helper = 1; helper < Math.min(parts, THREADS); helper++) {
            POOL.execute(() -> {
                IN_POOL.set(true);
                ranges.claimAll();
            });
        }
        ranges.claimAll();
        ranges.awaitAll();
    }

    /** The ranges of one {@link #run}, claimed one at a time: a helper starting after the last claim does nothing. */
    private static final class Ranges {
        private final int count;
        private final int units;
        private final int parts;
        private final int align;
        private final RangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch finished;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Ranges(int count, int units, int parts, int align, RangeBody body) {
            this.count = count;
            this.units = units;
            this.parts = parts;
            this.align = align;
            this.body = body;
            finished = new CountDownLatch(parts);
        }

        void claimAll() {
            for (int range = next.getAndIncrement(); range < parts; range = next.getAndIncrement()) {
                try {
                    body.run(bound(range), bound(range + 1));
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            }
        }

        private int bound(int range) {
            return Math.min(count, (int) ((long) units * range / parts) * align);
        }

        /** Waits for every range, then rethrows the first failure. */
        void awaitAll() {
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, e);
            }
            Throwable first = failure.get();
            if (first instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (first instanceof Error error) {
                throw error;
            }
            if (first != null) {
                throw new KilnException("a CPU worker failed: " + first, first);
            }
        }
    }

    /** {@link #run} with ranges of at least {@code grain} items. */
    static void forRange(int count, int grain, RangeBody body) {
        run(count, tasksFor(count, grain), 1, body);
    }
}
