package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.UnaryOp;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times the OpenCL calls that dominate a training step of the MNIST CNN (conv 32 3x3 - pool - conv 64 3x3 - pool -
 * dense 128 - dropout - dense 10, batch 128) on the default device: the convolutions' gemms and their kernel
 * gradients, the bias adds and bias-gradient sums, and ReLU forward and backward. A program, not a test. Each cell
 * is the median of single calls in milliseconds, each timed to the end of its kernels after a warm-up. Arguments:
 * optional calls per cell (default 15), dtype (F32 or F64, default F32) and a part of the names of the calls to
 * time (default all).
 */
public final class CnnStepBenchmark {
    @FunctionalInterface
    private interface Call {
        void run(Backend backend, Buffer[] buffers);
    }

    private record Case(String name, long[] lengths, Call call) {
    }

    private static final long CONV1 = 128L * 26 * 26;
    private static final long CONV2 = 128L * 11 * 11;

    private static final List<Case> CASES = List.of(
            gemm(true, false, 288, 64, 15488),
            gemm(false, false, 15488, 64, 288),
            gemm(false, true, 15488, 288, 64),
            gemm(true, false, 9, 32, 86528),
            gemm(false, false, 86528, 32, 9),
            gemm(true, false, 1600, 128, 128),
            gemm(false, false, 128, 128, 1600),
            rowBias(CONV1, 32),
            rowBias(CONV2, 64),
            rowBias(128, 128),
            rowBias(128, 10),
            new Case("add same " + CONV1 * 32, new long[] {CONV1 * 32, CONV1 * 32, CONV1 * 32},
                    (b, x) -> b.binary(BinaryOp.ADD, Broadcast.same(CONV1 * 32), x[0], x[1], x[2])),
            new Case("mul scalar " + CONV2 * 64, new long[] {CONV2 * 64, 1, CONV2 * 64},
                    (b, x) -> b.binary(BinaryOp.MUL, new Broadcast(1, 1, (int) (CONV2 * 64), Broadcast.ALL, 0),
                            x[0], x[1], x[2])),
            columnSum(CONV1, 32),
            columnSum(CONV2, 64),
            columnSum(128, 128),
            columnSum(128, 10),
            relu(CONV1 * 32),
            reluBackward(CONV1 * 32),
            relu(CONV2 * 64),
            reluBackward(CONV2 * 64));

    private CnnStepBenchmark() {
    }

    private static Case gemm(boolean transposeA, boolean transposeB, int m, int n, int k) {
        String name = "gemm " + (transposeA ? "T" : "N") + (transposeB ? "T" : "N") + " " + m + "x" + n + "x" + k;
        return new Case(name, new long[] {(long) m * k, (long) k * n, (long) m * n},
                (b, x) -> b.gemm(transposeA, transposeB, m, n, k, 1, x[0], x[1], 0, x[2]));
    }

    private static Case rowBias(long rows, int columns) {
        // The plan of [rows, columns] + [columns]: b spans the (size 1) outer axis and the inner one.
        Broadcast shape = new Broadcast(1, (int) rows, columns, Broadcast.ALL, Broadcast.OUTER | Broadcast.INNER);
        return new Case("add [" + rows + ", " + columns + "] + [" + columns + "]",
                new long[] {rows * columns, columns, rows * columns},
                (b, x) -> b.binary(BinaryOp.ADD, shape, x[0], x[1], x[2]));
    }

    private static Case columnSum(long rows, int columns) {
        return new Case("sum rows of [" + rows + ", " + columns + "]", new long[] {rows * columns, columns},
                (b, x) -> b.reduce(ReduceOp.SUM, 1, (int) rows, columns, x[0], x[1]));
    }

    private static Case relu(long n) {
        return new Case("relu " + n, new long[] {n, n}, (b, x) -> b.unary(UnaryOp.RELU, 0, 0, x[0], x[1]));
    }

    private static Case reluBackward(long n) {
        return new Case("relu backward " + n, new long[] {n, n, n, n},
                (b, x) -> b.unaryBackward(UnaryOp.RELU, 0, 0, x[0], x[1], x[2], x[3]));
    }

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        DType dtype = args.length > 1 ? DType.valueOf(args[1]) : DType.F32;
        String only = args.length > 2 ? args[2] : "";
        try (OpenClBackend openCl = OpenClBackend.create()) {
            System.out.printf(Locale.ROOT, "load average %.2f, %s, median of %d calls; OpenCL device %s%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), dtype, calls,
                    openCl.device().name());
            for (Case c : CASES.stream().filter(c -> c.name().contains(only)).toList()) {
                System.out.printf(Locale.ROOT, "%-36s %9.3f ms%n", c.name(), median(openCl, dtype, calls, c));
            }
        }
    }

    private static double median(Backend backend, DType dtype, int calls, Case c) {
        Buffer[] buffers = new Buffer[c.lengths().length];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = backend.allocate(dtype, c.lengths()[i]);
            backend.random(Distribution.UNIFORM, 1 + i, 0, -1, 1, buffers[i]);
        }
        try {
            for (int i = 0; i < 3; i++) {
                c.call().run(backend, buffers);
            }
            double[] times = new double[calls];
            for (int i = 0; i < calls; i++) {
                backend.synchronize();
                long start = System.nanoTime();
                c.call().run(backend, buffers);
                backend.synchronize();
                times[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(times);
            return times[calls / 2];
        } finally {
            for (Buffer buffer : buffers) {
                backend.free(buffer);
            }
        }
    }
}
