package dev.kiln.cpu;

import dev.kiln.KilnException;
import dev.kiln.KilnSettings;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * The one pool of daemon threads shared by every CPU backend, sized to the cores. Work is cut into a fixed
 * number of contiguous ranges that depends only on the problem size, so results never depend on timing.
 * <p>
 * A training step makes many parallel calls, each of a few tens of microseconds, with short serial work between
 * them; waking a parked thread takes about as long. So an idle worker, and a caller waiting for its ranges, spin
 * for {@link #SPIN_NANOS} (setting {@code kiln.cpu.spin}, microseconds) before they park, as OpenMP runtimes do.
 */
final class WorkPool {
    private static final String DEFAULT_SPIN_MICROS = "200";
    /** Threads that may work on one call, the calling thread included. */
    static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** How long an idle worker, or a caller waiting for the workers, spins before it parks. */
    static final long SPIN_NANOS = spinSetting();

    /** Helpers' shares of the calls under way: each entry is one helper's turn at claiming a call's ranges. */
    private static final Queue<Ranges> TURNS = new ConcurrentLinkedQueue<>();
    private static final Worker[] WORKERS = startWorkers(THREADS - 1);
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
        if (parts <= 1 || WORKERS.length == 0 || IN_POOL.get()) {
            if (count > 0) {
                body.run(0, count);
            }
            return;
        }
        Ranges ranges = new Ranges(count, units, parts, align, body);
        int helpers = Math.min(parts, THREADS) - 1;
        for (int helper = 0; helper < helpers; helper++) {
            TURNS.add(ranges);
        }
        // as many parked workers as there are turns: a woken worker without one would only spin
        for (int i = 0, woken = 0; i < WORKERS.length && woken < helpers; i++) {
            if (WORKERS[i].wakeIfParked()) {
                woken++;
            }
        }
        ranges.claimAll();
        ranges.awaitAll();
    }

    /** A pool thread: takes turns at the calls under way, spinning a while when there are none, then parking. */
    private static final class Worker implements Runnable {
        private final Thread thread;
        private volatile boolean parked;

        Worker() {
            thread = new Thread(this, "kiln-cpu-worker");
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            IN_POOL.set(true);
            while (true) {
                Ranges turn = nextTurn();
                turn.claimAll();
            }
        }

        /** The next turn, after spinning for {@link #SPIN_NANOS} and then parking until a caller wakes this worker. */
        private Ranges nextTurn() {
            long spinStart = System.nanoTime();
            while (true) {
                Ranges turn = TURNS.poll();
                if (turn != null) {
                    return turn;
                }
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                // announced before the last look, and a caller adds its turns before it looks: no wake is missed
                parked = true;
                turn = TURNS.poll();
                if (turn == null) {
                    LockSupport.park(this);
                }
                parked = false;
                if (turn != null) {
                    return turn;
                }
                spinStart = System.nanoTime();
            }
        }

        /** Wakes this worker if it is parked; whether it was. */
        boolean wakeIfParked() {
            if (parked) {
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }
    }

    private static Worker[] startWorkers(int count) {
        Worker[] workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker();
            workers[i].thread.start();
        }
        return workers;
    }

    /** The {@code kiln.cpu.spin} setting in nanoseconds; the default, with a warning, when it is not valid. */
    private static long spinSetting() {
        try {
            return spinNanos(KilnSettings.get("kiln.cpu.spin", DEFAULT_SPIN_MICROS));
        } catch (KilnException e) {
            // a bad value must not leave the CPU backend unusable: this class would fail to load
            LoggerFactory.getLogger(WorkPool.class).warn("{}; spinning the default {} us", e.getMessage(),
                    DEFAULT_SPIN_MICROS);
            return spinNanos(DEFAULT_SPIN_MICROS);
        }
    }

    /** {@code micros} as nanoseconds; fails naming the setting unless it is whole microseconds from 0 to a second. */
    static long spinNanos(String micros) {
        try {
            long value = Long.parseLong(micros);
            if (value >= 0 && value <= 1_000_000) {
                return value * 1000;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new KilnException("kiln.cpu.spin: '" + micros + "' is not a whole number of microseconds from 0 to"
                + " 1000000; expected for example 200, or 0 never to spin");
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
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            }
        }

        private int bound(int range) {
            return Math.min(count, (int) ((long) units * range / parts) * align);
        }

        /**
         * Waits for every range, then rethrows the first failure. An interrupt does not end the wait, as helpers may
         * still be writing into the caller's arrays; the caller's thread is interrupted again once they are done.
         */
        void awaitAll() {
            for (long start = System.nanoTime(); finished.getCount() > 0 && System.nanoTime() - start < SPIN_NANOS; ) {
                Thread.onSpinWait();
            }
            boolean interrupted = false;
            while (true) {
                try {
                    finished.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
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
