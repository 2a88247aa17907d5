package dev.kiln.samples.bench;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code kiln bench predict}: latency of {@code Model.predict} on host rows (upload, forward, download) for a
 * 784-128-10 network at batch 1 and 64, median and 99th percentile on one thread, and the calls per second of one
 * thread against several sharing the model (calls on one backend take turns under its lock).
 */
public final class PredictBench {
    /** Batch sizes measured. */
    public static final int[] BATCHES = {1, 64};
    private static final int FEATURES = 784;
    private static final int WARM_UP = 500;

    private PredictBench() {
    }

    /** Latency and throughput of one cell: a backend at one batch size. */
    public record Cell(String backend, int batch, double medianMillis, double p99Millis, double callsPerSecond,
                       double sharedCallsPerSecond) {
    }

    /**
     * Measures every backend of {@code names} (default cpu and opencl) with {@code calls} predictions per cell and
     * {@code threads} threads for the shared throughput, prints the table and returns the exit code.
     */
    public static int run(PrintStream out, List<String> names, int calls, int threads) {
        List<Cell> cells = new ArrayList<>();
        for (String name : BenchBackends.orAll(names)) {
            Backend backend = BenchBackends.open(out, name);
            if (backend == null) {
                continue;
            }
            try (backend; Model model = network(backend)) {
                for (int batch : BATCHES) {
                    cells.add(measure(name, model, batch, calls, threads));
                }
            }
        }
        out.printf(Locale.ROOT, "%-8s %6s %11s %9s %14s %16s%n", "backend", "batch", "median ms", "p99 ms",
                "calls/s 1 thr", "calls/s " + threads + " thr");
        for (Cell c : cells) {
            out.printf(Locale.ROOT, "%-8s %6d %11.3f %9.3f %14.0f %16.0f%n", c.backend(), c.batch(), c.medianMillis(),
                    c.p99Millis(), c.callsPerSecond(), c.sharedCallsPerSecond());
        }
        return 0;
    }

    /** The network measured: 784 inputs, 128 ReLU units, 10 outputs, weights from seed 1. */
    static Model network(Backend backend) {
        Model model = Sequential.on(backend, new Dense(128, ActivationFunction.RELU), new Dense(10)).seed(1);
        model.build(Shape.of(FEATURES));
        return model;
    }

    static Cell measure(String name, Model model, int batch, int calls, int threads) {
        double[][] rows = rows(batch);
        for (int i = 0; i < WARM_UP; i++) {
            model.predict(rows);
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            model.predict(rows);
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        // Both throughputs are measured alike, after the latencies, so that warming up favours neither.
        double alone = calls / (shared(model, rows, calls, 1) / 1e9);
        double shared = calls / (shared(model, rows, calls, threads) / 1e9);
        return new Cell(name, batch, nanos[calls / 2] / 1e6, nanos[(int) Math.min(calls - 1, calls * 0.99)] / 1e6,
                alone, shared);
    }

    /** Nanoseconds for {@code threads} threads to make {@code calls} predictions between them on one model. */
    private static long shared(Model model, double[][] rows, int calls, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int share = calls / threads + (t < calls % threads ? 1 : 0);
                running.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        model.predict(rows);
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            return System.nanoTime() - start;
        } catch (ExecutionException e) {
            throw new KilnException("a prediction thread failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KilnException("interrupted while measuring predictions", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[][] rows(int batch) {
        Random random = new Random(batch);
        double[][] rows = new double[batch][FEATURES];
        for (double[] row : rows) {
            for (int i = 0; i < FEATURES; i++) {
                row[i] = random.nextDouble();
            }
        }
        return rows;
    }
}
