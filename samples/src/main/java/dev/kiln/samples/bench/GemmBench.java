package dev.kiln.samples.bench;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code kiln bench gemm}: F32 gemm throughput of the CPU and OpenCL backends and, when a Python with numpy is
 * present, of numpy (OpenBLAS), at the MNIST MLP's products and the sizes of the project's reference table.
 */
public final class GemmBench {
    /**
     * One product c[m, n] = op(a)[m, k] * op(b)[k, n], op transposing an operand stored the other way round (a as
     * [k, m], b as [n, k]).
     */
    public record Size(int m, int n, int k, boolean transposeA, boolean transposeB) {
        /** An untransposed product. */
        public Size(int m, int n, int k) {
            this(m, n, k, false, false);
        }

        /** m x k x n, then the transposes (NN, TN, NT) when either operand is transposed. */
        public String label() {
            String shape = m == n && n == k ? m + "^3" : m + "x" + k + "x" + n;
            return transposeA || transposeB ? shape + " " + (transposeA ? "T" : "N") + (transposeB ? "T" : "N") : shape;
        }

        public double flops() {
            return 2.0 * m * n * k;
        }
    }

    /**
     * The MNIST MLP's products at batch 128 as its training step runs them: the forward (NN), the weight gradient
     * (TN) and an input gradient (NT); then the reference table's cubes.
     */
    public static final List<Size> SIZES = List.of(
            new Size(128, 128, 784), new Size(784, 128, 128, true, false), new Size(128, 784, 128, false, true),
            new Size(512, 512, 512), new Size(1024, 1024, 1024), new Size(2048, 2048, 2048));

    /** Warm-up calls run for this long at least: the JIT compiles a Java kernel only after many calls. */
    private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_RUNS = 200;
    private static final long CELL_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** A size takes a few seconds in numpy; far longer means a hung interpreter. */
    private static final Duration NUMPY_TIMEOUT = Duration.ofMinutes(2);
    private static final String NUMPY_SCRIPT = String.join("\n",
            "import sys, time, numpy as np",
            "m, n, k, ta, tb = map(int, sys.argv[1].split(','))",
            // A transposed view passes the transpose to BLAS, as the backends get it, without a copy.
            "a = np.random.rand(k, m).astype(np.float32).T if ta else np.random.rand(m, k).astype(np.float32)",
            "b = np.random.rand(n, k).astype(np.float32).T if tb else np.random.rand(k, n).astype(np.float32)",
            "calls = max(1, min(100, int(2e8 // (2 * m * n * k))))",
            "for _ in range(3 * calls): a @ b",
            "times = []; budget = time.perf_counter() + 4",
            "while len(times) < 3 or (len(times) < 15 and time.perf_counter() < budget):",
            "    t = time.perf_counter()",
            "    for _ in range(calls): a @ b",
            "    times.append((time.perf_counter() - t) / calls)",
            "times.sort(); print(2.0 * m * n * k / times[len(times) // 2] / 1e9)");

    private GemmBench() {
    }

    /**
     * Runs the benchmark and prints the table; returns the process exit code. {@code args}: backend names to measure
     * (default cpu and opencl). Each size is measured {@code rounds} times, each round on every backend and then in
     * numpy before the next, so that each ratio compares runs taken side by side; the table gives the median of
     * the rounds' GFLOP/s and of their ratios, since a shared machine moves single runs by up to 2x.
     */
    public static int run(PrintStream out, List<String> args, int rounds) {
        List<String> names = BenchBackends.orAll(args);
        Map<String, Backend> backends = new LinkedHashMap<>();
        Map<String, double[][]> results = new LinkedHashMap<>();
        try {
            for (String name : names) {
                results.put(name, nans(rounds));
                Backend backend = BenchBackends.open(out, name);
                if (backend != null) {
                    backends.put(name, backend);
                }
            }
            PythonRunner python = new PythonRunner(PythonRunner.INTERPRETERS, NUMPY_TIMEOUT);
            String interpreter = numpyInterpreter(out, python);
            double[][] numpy = nans(rounds);
            for (int s = 0; s < SIZES.size(); s++) {
                for (int round = 0; round < rounds; round++) {
                    for (Map.Entry<String, Backend> entry : backends.entrySet()) {
                        results.get(entry.getKey())[s][round] = measure(entry.getValue(), SIZES.get(s));
                    }
                    if (interpreter != null) {
                        Double gflops = numpy(out, python, interpreter, SIZES.get(s));
                        if (gflops == null) {
                            interpreter = null;
                        } else {
                            numpy[s][round] = gflops;
                        }
                    }
                }
            }
            if (interpreter != null) {
                results.put("numpy", numpy);
            }
        } finally {
            backends.values().forEach(Backend::close);
        }
        out.printf("%nMedians of %d rounds (each round: every backend, then numpy).%n", rounds);
        printTable(out, results);
        return 0;
    }

    /**
     * GFLOP/s of the median run. A run queues {@link #callsPerRun} products back to back and waits once, as a training
     * step does: a small product on an OpenCL device would otherwise time the wait for the device as well.
     */
    public static double measure(Backend backend, Size size) {
        Buffer a = filled(backend, (long) size.m() * size.k(), 1);
        Buffer b = filled(backend, (long) size.k() * size.n(), 2);
        Buffer c = backend.allocate(DType.F32, (long) size.m() * size.n());
        int calls = callsPerRun(size);
        Runnable run = () -> {
            for (int i = 0; i < calls; i++) {
                backend.gemm(size.transposeA(), size.transposeB(), size.m(), size.n(), size.k(), 1, a, b, 0, c);
            }
            backend.synchronize();
        };
        try {
            long warmUp = System.nanoTime();
            do {
                run.run();
            } while (System.nanoTime() - warmUp < WARM_UP_NANOS);
            List<Long> times = new ArrayList<>();
            long start = System.nanoTime();
            while (times.size() < 3 || (times.size() < MAX_RUNS && System.nanoTime() - start < CELL_BUDGET_NANOS)) {
                long t = System.nanoTime();
                run.run();
                times.add(System.nanoTime() - t);
            }
            times.sort(null);
            return size.flops() * calls / times.get(times.size() / 2);
        } finally {
            backend.free(a);
            backend.free(b);
            backend.free(c);
        }
    }

    /** Products per timed run: about 0.2 GFLOP, from 1 (the large cubes) to 100; numpy's script takes as many. */
    static int callsPerRun(Size size) {
        return (int) Math.max(1, Math.min(100, (long) (2e8 / size.flops())));
    }

    private static double[][] nans(int rounds) {
        double[][] values = new double[SIZES.size()][rounds];
        for (double[] size : values) {
            Arrays.fill(size, Double.NaN);
        }
        return values;
    }

    /** The median over rounds of {@code values[round] / reference[round]}: ratios of runs taken side by side. */
    static double medianRatio(double[] values, double[] reference) {
        double[] ratios = new double[values.length];
        for (int round = 0; round < values.length; round++) {
            ratios[round] = values[round] / reference[round];
        }
        return EpochTimer.median(ratios);
    }

    private static Buffer filled(Backend backend, long length, long seed) {
        Random random = new Random(seed);
        float[] values = new float[Math.toIntExact(length)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() - 0.5f;
        }
        Buffer buffer = backend.allocate(DType.F32, length);
        backend.upload(values, buffer);
        return buffer;
    }

    /** The interpreter that has numpy, announced on {@code out}, or null (and why) without one. */
    private static String numpyInterpreter(PrintStream out, PythonRunner python) {
        try {
            String interpreter = python.interpreterWith("numpy");
            out.println("numpy: " + interpreter + " with numpy (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset)");
            return interpreter;
        } catch (PythonRunner.Failure e) {
            out.println("numpy: unavailable (" + e.getMessage() + ")");
            return null;
        }
    }

    /** numpy's GFLOP/s at {@code size}, or null (and why) when the run fails. */
    private static Double numpy(PrintStream out, PythonRunner python, String interpreter, Size size) {
        try {
            String output = python.run(interpreter, NUMPY_SCRIPT, List.of(size.m() + "," + size.n() + "," + size.k()
                    + "," + (size.transposeA() ? 1 : 0) + "," + (size.transposeB() ? 1 : 0)));
            return Double.parseDouble(output.strip());
        } catch (PythonRunner.Failure | NumberFormatException e) {
            out.println("numpy: unavailable (" + e.getMessage() + ")");
            return null;
        }
    }

    private static void printTable(PrintStream out, Map<String, double[][]> results) {
        double[][] numpy = results.get("numpy");
        StringBuilder header = new StringBuilder(String.format("%-18s", "GFLOP/s"));
        results.keySet().forEach(name -> header.append(String.format("%10s", name)));
        if (numpy != null) {
            results.keySet().stream().filter(name -> !name.equals("numpy"))
                    .forEach(name -> header.append(String.format("%14s", name + "/numpy")));
        }
        out.println();
        out.println(header);
        for (int s = 0; s < SIZES.size(); s++) {
            StringBuilder row = new StringBuilder(String.format("%-18s", SIZES.get(s).label()));
            for (double[][] values : results.values()) {
                row.append(String.format("%10.1f", EpochTimer.median(values[s])));
            }
            if (numpy != null) {
                for (Map.Entry<String, double[][]> entry : results.entrySet()) {
                    if (!entry.getKey().equals("numpy")) {
                        row.append(String.format("%14.2f", medianRatio(entry.getValue()[s], numpy[s])));
                    }
                }
            }
            out.println(row);
        }
    }
}
