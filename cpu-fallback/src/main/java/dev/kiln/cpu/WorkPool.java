package dev.kiln.cpu;

import dev.kiln.KilnException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

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
     * {@code align} (except the last), the first range on the calling thread.
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
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int from = Math.min(count, (int) ((long) units * t / parts) * align);
            int to = Math.min(count, (int) ((long) units * (t + 1) / parts) * align);
            futures[t - 1] = POOL.submit(() -> {
                IN_POOL.set(true);
                body.run(from, to);
            });
        }
        Throwable failure = null;
        try {
            body.run(0, Math.min(count, (int) ((long) units / parts) * align));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new KilnException("a CPU worker failed: " + failure, failure);
        }
    }

    /** {@link #run} with ranges of at least {@code grain} items. */
    static void forRange(int count, int grain, RangeBody body) {
        run(count, tasksFor(count, grain), 1, body);
    }
}
