package dev.kiln.cpu;

import java.util.Locale;

/**
 * Measures what a parallel call of the CPU backend's pool costs beyond its work, as a training step makes them: the
 * caller runs some serial work, then a call of two ranges that each take a fixed time, and so on. A program, not a
 * test: the mean time of a call minus the work of one range is the pool's overhead (waking the worker, waiting for
 * it). Arguments: microseconds of serial work between calls, microseconds of work per range (defaults 20 and 20).
 * Compare {@code -Dkiln.cpu.spin=0} (threads park at once) with the default.
 */
public final class WorkPoolBenchmark {
    private static volatile double sink;

    private WorkPoolBenchmark() {
    }

    public static void main(String[] args) {
        long gap = (args.length > 0 ? Long.parseLong(args[0]) : 20) * 1000;
        long work = (args.length > 1 ? Long.parseLong(args[1]) : 20) * 1000;
        int calls = 5000;
        for (int round = 0; round < 3; round++) {
            long total = 0;
            for (int call = 0; call < calls; call++) {
                busy(gap);
                long start = System.nanoTime();
                WorkPool.run(2, 2, 1, (from, to) -> busy(work));
                total += System.nanoTime() - start;
            }
            System.out.printf(Locale.ROOT, "threads %d, spin %d us, %d us serial then 2 ranges of %d us: mean call"
                    + " %.1f us%n", WorkPool.THREADS, WorkPool.SPIN_NANOS / 1000, gap / 1000, work / 1000,
                    total / 1e3 / calls);
        }
    }

    /** Computes for {@code nanos}, as a range or the serial work between calls would. */
    private static void busy(long nanos) {
        double x = 0;
        for (long start = System.nanoTime(); System.nanoTime() - start < nanos; ) {
            x += Math.sqrt(x + 1);
        }
        sink = x;
    }
}
