package dev.kiln.cpu;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;
import java.util.function.LongSupplier;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/**
 * Measures GFLOP/s of the CPU backend's gemm against EJML's multiply (one thread and EJML's concurrent
 * variant) on a few shapes, F32 and F64, and its transpose (EJML's) against a plain loop. A program, not a
 * test: run it on an otherwise idle machine.
 * Arguments: optional seconds per measurement (default 1); then {@code mlp} to measure only Kiln at the MNIST
 * MLP's shapes (measured after a warm-up at every shape of the MLP's training step, so that the JIT sees what it sees in training),
 * or {@code cnn} to measure only Kiln at the MNIST CNN's shapes, batch 128 (after a warm-up at every shape of its training step).
 * A third argument {@code cold} adds, for the MLP's and the CNN's shapes, the mean time of a call when 16 MB of other
 * memory is copied before each one, as the rest of a training step evicts the caches between its products.
 * A third argument {@code cpu-time} times each call by the calling thread's CPU time instead of the wall clock: run so
 * with {@code -XX:ActiveProcessorCount=1}, so that the whole product runs on that thread, to measure the kernel on a
 * machine that other work shares (time slices lost to it are not counted).
 */
public final class CpuGemmBenchmark {
    /** The clock of every measurement: the wall clock, or the calling thread's CPU time. */
    private static LongSupplier clock = System::nanoTime;
    /** Whether products are also timed after the caches are evicted (argument {@code cold}). */
    private static boolean cold;
    /** Floats copied before each call of a cold measurement: more than this machine's caches hold. */
    private static final int EVICTION_FLOATS = 4 << 20;
    private static final int[][] SHAPES = {{128, 128, 784}, {512, 512, 512}, {1024, 1024, 1024}};
    /**
     * Every product of the MNIST MLP's training step (784-128-10), batch 128 and 32, in the order of the warm-up: m, n, k,
     * transpose of a, transpose of b (0 or 1). The second layer's forward NN, weight gradient TN and input gradient NT,
     * then the first layer's forward and weight gradient.
     */
    private static final int[][] MLP_STEP = {
        {128, 10, 128, 0, 0}, {128, 10, 128, 1, 0}, {128, 128, 10, 0, 1},
        {32, 10, 128, 0, 0}, {128, 10, 32, 1, 0}, {32, 128, 10, 0, 1},
        {128, 128, 784, 0, 0}, {784, 128, 128, 1, 0}, {32, 128, 784, 0, 0}, {784, 128, 32, 1, 0},
    };
    /** The MLP's products as measured: the first layer's, then the second layer's, then a first layer's input gradient NT. */
    private static final int[][] MLP_MEASURED = {
        {128, 128, 784, 0, 0}, {784, 128, 128, 1, 0}, {32, 128, 784, 0, 0}, {784, 128, 32, 1, 0},
        {128, 10, 128, 0, 0}, {128, 10, 128, 1, 0}, {128, 128, 10, 0, 1},
        {32, 10, 128, 0, 0}, {128, 10, 32, 1, 0}, {32, 128, 10, 0, 1}, {128, 784, 128, 0, 1},
    };
    /**
     * Every product of the MNIST CNN's training step at batch 128 (conv 32 -> pool -> conv 64 -> pool -> dense 128 -> 10),
     * m, n, k, transpose of a, transpose of b: each convolution's forward NN over im2col columns, kernel gradient TN and
     * (second one only) column gradient NT, then the dense layers' forward, weight gradient and input gradient.
     */
    private static final int[][] CNN_SHAPES = {
        {86528, 32, 9, 0, 0}, {9, 32, 86528, 1, 0},
        {15488, 64, 288, 0, 0}, {288, 64, 15488, 1, 0}, {15488, 288, 64, 0, 1},
        {128, 128, 1600, 0, 0}, {1600, 128, 128, 1, 0}, {128, 1600, 128, 0, 1},
        {128, 10, 128, 0, 0}, {128, 10, 128, 1, 0}, {128, 128, 10, 0, 1},
    };

    private CpuGemmBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        boolean threadCpuTime = args.length > 2 && args[2].equals("cpu-time");
        cold = args.length > 2 && args[2].equals("cold");
        if (threadCpuTime) {
            clock = ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime;
        }
        System.out.printf(Locale.ROOT, "threads %d, %.1f s per measurement, %s, load average before: %s%n",
                WorkPool.THREADS, seconds, threadCpuTime ? "thread CPU time" : "wall clock", loadAverage());
        try (CpuBackend backend = new CpuBackend()) {
            if (args.length > 1 && args[1].equals("cnn")) {
                System.out.println("transposes and m x n x k, GFLOP/s of the fastest call of CpuBackend.gemm");
                cnn(backend, seconds);
                return;
            }
            System.out.println("m x n x k, GFLOP/s of the fastest call (Kiln: CpuBackend.gemm; EJML: CommonOps_*DRM.mult, MT: CommonOps_MT_*DRM.mult)");
            System.out.printf(Locale.ROOT, "%-5s %-16s %10s %10s %10s%n", "dtype", "shape", "Kiln", "EJML", "EJML MT");
            for (int[] shape : MLP_STEP) {
                warmUp(backend, shape[3] == 1, shape[4] == 1, shape[0], shape[1], shape[2], seconds);
            }
            for (int[] shape : MLP_MEASURED) {
                measure(backend, shape, seconds);
            }
            if (args.length > 1 && args[1].equals("mlp")) {
                return;
            }
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                for (int[] shape : SHAPES) {
                    int m = shape[0], n = shape[1], k = shape[2];
                    double kiln = kiln(backend, dtype, false, false, m, n, k, seconds);
                    double ejml = ejml(dtype, m, n, k, seconds, false);
                    double ejmlConcurrent = ejml(dtype, m, n, k, seconds, true);
                    System.out.printf(Locale.ROOT, "%-5s %-16s %10.1f %10.1f %10.1f%n", dtype, m + "x" + n + "x" + k,
                            kiln, ejml, ejmlConcurrent);
                }
            }
            for (int[] shape : new int[][] {{128, 784}, {1024, 1024}}) {
                System.out.printf(Locale.ROOT, "F32 transpose %dx%d: Kiln (EJML) %.1f us, plain loop %.1f us%n", shape[0], shape[1],
                        transpose(backend, shape[0], shape[1], seconds), plainTranspose(shape[0], shape[1], seconds));
            }
        }
    }

    private static void cnn(CpuBackend backend, double seconds) {
        for (int[] shape : CNN_SHAPES) {
            warmUp(backend, shape[3] == 1, shape[4] == 1, shape[0], shape[1], shape[2], seconds);
        }
        for (int[] shape : CNN_SHAPES) {
            measure(backend, shape, seconds);
        }
    }

    /** Prints one F32 product's GFLOP/s: m, n, k, transpose of a, transpose of b. */
    private static void measure(CpuBackend backend, int[] shape, double seconds) {
        boolean transposeA = shape[3] == 1, transposeB = shape[4] == 1;
        String flags = (transposeA ? "T" : "N") + (transposeB ? "T" : "N");
        double fastest = kiln(backend, DType.F32, transposeA, transposeB, shape[0], shape[1], shape[2], seconds);
        String name = flags + " " + shape[0] + "x" + shape[1] + "x" + shape[2];
        if (!cold) {
            System.out.printf(Locale.ROOT, "%-5s %-16s %10.1f%n", "F32", name, fastest);
            return;
        }
        double flop = 2.0 * shape[0] * shape[1] * shape[2];
        System.out.printf(Locale.ROOT, "%-5s %-16s %10.1f GFLOP/s fastest (%.0f us), mean after eviction %.0f us%n",
                "F32", name, fastest, flop / fastest / 1e3,
                coldMean(backend, transposeA, transposeB, shape, seconds) / 1e3);
    }

    /** Mean nanoseconds of a call of one F32 product when {@link #EVICTION_FLOATS} floats are copied before each. */
    private static double coldMean(CpuBackend backend, boolean transposeA, boolean transposeB, int[] shape,
                                   double seconds) {
        int m = shape[0], n = shape[1], k = shape[2];
        Buffer a = backend.allocate(DType.F32, (long) m * k);
        Buffer b = backend.allocate(DType.F32, (long) k * n);
        Buffer c = backend.allocate(DType.F32, (long) m * n);
        Buffer other = backend.allocate(DType.F32, EVICTION_FLOATS);
        Buffer otherCopy = backend.allocate(DType.F32, EVICTION_FLOATS);
        backend.fill(a, 0.5);
        backend.fill(b, 0.25);
        backend.fill(other, 1);
        long total = 0;
        int calls = 0;
        for (long start = System.nanoTime(); System.nanoTime() - start < seconds * 1e9; calls++) {
            backend.copy(other, 0, otherCopy, 0, EVICTION_FLOATS);
            long t0 = System.nanoTime();
            backend.gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c);
            total += System.nanoTime() - t0;
        }
        for (Buffer buffer : new Buffer[] {a, b, c, other, otherCopy}) {
            backend.free(buffer);
        }
        return (double) total / calls;
    }

    private static double transpose(CpuBackend backend, int rows, int cols, double seconds) {
        Buffer x = backend.allocate(DType.F32, (long) rows * cols);
        Buffer out = backend.allocate(DType.F32, (long) rows * cols);
        backend.fill(x, 1);
        double micros = fastest(seconds, () -> backend.transpose(rows, cols, x, out)) / 1e3;
        backend.free(x);
        backend.free(out);
        return micros;
    }

    private static double plainTranspose(int rows, int cols, double seconds) {
        float[] x = new float[rows * cols];
        float[] out = new float[rows * cols];
        return fastest(seconds, () -> {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    out[j * rows + i] = x[i * cols + j];
                }
            }
        }) / 1e3;
    }

    private static double kiln(CpuBackend backend, DType dtype, boolean transposeA, boolean transposeB, int m, int n, int k,
                               double seconds) {
        Random random = new Random(1);
        Buffer a = backend.allocate(dtype, (long) m * k);
        Buffer b = backend.allocate(dtype, (long) k * n);
        Buffer c = backend.allocate(dtype, (long) m * n);
        backend.random(Distribution.UNIFORM, random.nextLong(), 0, -1, 1, a);
        backend.random(Distribution.UNIFORM, random.nextLong(), 0, -1, 1, b);
        double best = best(seconds, m, n, k, () -> backend.gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c));
        backend.free(a);
        backend.free(b);
        backend.free(c);
        return best;
    }

    /** Calls gemm at one shape for a while, as training does between the products measured. */
    private static void warmUp(CpuBackend backend, boolean transposeA, boolean transposeB, int m, int n, int k, double seconds) {
        Buffer a = backend.allocate(DType.F32, (long) m * k);
        Buffer b = backend.allocate(DType.F32, (long) k * n);
        Buffer c = backend.allocate(DType.F32, (long) m * n);
        backend.fill(a, 0.5);
        backend.fill(b, 0.25);
        fastest(seconds / 4, () -> backend.gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, c));
        backend.free(a);
        backend.free(b);
        backend.free(c);
    }

    private static double ejml(DType dtype, int m, int n, int k, double seconds, boolean concurrent) {
        Random random = new Random(1);
        if (dtype == DType.F32) {
            FMatrixRMaj a = new FMatrixRMaj(m, k);
            FMatrixRMaj b = new FMatrixRMaj(k, n);
            FMatrixRMaj c = new FMatrixRMaj(m, n);
            for (int i = 0; i < a.data.length; i++) a.data[i] = random.nextFloat();
            for (int i = 0; i < b.data.length; i++) b.data[i] = random.nextFloat();
            return best(seconds, m, n, k, concurrent ? () -> CommonOps_MT_FDRM.mult(a, b, c) : () -> CommonOps_FDRM.mult(a, b, c));
        }
        DMatrixRMaj a = new DMatrixRMaj(m, k);
        DMatrixRMaj b = new DMatrixRMaj(k, n);
        DMatrixRMaj c = new DMatrixRMaj(m, n);
        for (int i = 0; i < a.data.length; i++) a.data[i] = random.nextDouble();
        for (int i = 0; i < b.data.length; i++) b.data[i] = random.nextDouble();
        return best(seconds, m, n, k, concurrent ? () -> CommonOps_MT_DDRM.mult(a, b, c) : () -> CommonOps_DDRM.mult(a, b, c));
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** GFLOP/s of the fastest of repeated calls after a warm-up of the same length. */
    private static double best(double seconds, int m, int n, int k, Runnable call) {
        return 2.0 * m * n * k / fastest(seconds, call);
    }

    /** Nanoseconds of the fastest of repeated calls after a warm-up of the same length. */
    private static long fastest(double seconds, Runnable call) {
        long budget = (long) (seconds * 1e9);
        for (long start = System.nanoTime(); System.nanoTime() - start < budget; ) {
            call.run();
        }
        long fastest = Long.MAX_VALUE;
        for (long start = System.nanoTime(); System.nanoTime() - start < budget; ) {
            long t0 = clock.getAsLong();
            call.run();
            fastest = Math.min(fastest, clock.getAsLong() - t0);
        }
        return fastest;
    }
}
