package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.UnaryOp;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Times the row kernels and the capped 1-D launches on the default OpenCL device, F32: softmax and the fused
 * cross-entropy in each layout (a work-item, a vector lane or a work-group per row), full and row reductions, and
 * 1-D kernels over 2^22 elements. A program, not a test: run it on an otherwise idle machine. Each cell is the
 * fastest single call in milliseconds. Arguments: optional seconds per cell (default 1), then "layouts" to compare
 * the softmax layouts.
 */
public final class RowKernelsBenchmark {
    private static final int[][] ROWS = {{128, 10}, {4096, 10}, {128, 1000}, {16, 32_768}, {1, 1 << 20}};
    private static final int ELEMENTS = 1 << 22;

    private RowKernelsBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        boolean layouts = args.length > 1 && args[1].equals("layouts");
        try (OpenClBackend backend = OpenClBackend.create()) {
            System.out.printf(Locale.ROOT, "load average %.2f, %.1f s per cell; OpenCL device %s%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), seconds,
                    backend.device().name());
            for (int[] s : ROWS) {
                int rows = s[0];
                int cols = s[1];
                long n = (long) rows * cols;
                Buffer x = filled(backend, n);
                Buffer y = filled(backend, n);
                Buffer losses = filled(backend, rows);
                String shape = rows + "x" + cols;
                for (OpenClSoftmax.Layout forced : layouts ? OpenClSoftmax.Layout.values()
                        : new OpenClSoftmax.Layout[] {null}) {
                    backend.rowwise().forceLayout(forced);
                    String layout = forced == null ? "" : " (" + forced.name().toLowerCase(Locale.ROOT) + ")";
                    print(shape, "softmax" + layout, time(backend, seconds, () -> backend.softmax(false, rows, cols,
                            x, y)));
                    print(shape, "softmaxCrossEntropy" + layout, time(backend, seconds,
                            () -> backend.softmaxCrossEntropy(rows, cols, x, x, y, losses)));
                }
                print(shape, "reduce SUM of rows", time(backend, seconds,
                        () -> backend.reduce(ReduceOp.SUM, rows, cols, 1, x, losses)));
                backend.free(x);
                backend.free(y);
                backend.free(losses);
            }
            Buffer a = filled(backend, ELEMENTS);
            Buffer b = filled(backend, ELEMENTS);
            Buffer one = filled(backend, 1);
            String shape = Integer.toString(ELEMENTS);
            print(shape, "reduce SUM of all", time(backend, seconds,
                    () -> backend.reduce(ReduceOp.SUM, 1, ELEMENTS, 1, a, one)));
            print(shape, "random UNIFORM", time(backend, seconds,
                    () -> backend.random(Distribution.UNIFORM, 42, 3, 0, 1, a)));
            print(shape, "random NORMAL", time(backend, seconds,
                    () -> backend.random(Distribution.NORMAL, 42, 3, 0, 1, a)));
            print(shape, "random BERNOULLI", time(backend, seconds,
                    () -> backend.random(Distribution.BERNOULLI, 42, 3, 0.5, 0, a)));
            print(shape, "unary RELU", time(backend, seconds,
                    () -> backend.unary(UnaryOp.RELU, 0, 0, a, b)));
            backend.free(a);
            backend.free(b);
            backend.free(one);
        }
    }

    private static Buffer filled(Backend backend, long n) {
        Buffer buffer = backend.allocate(DType.F32, n);
        backend.random(Distribution.UNIFORM, 7, 0, -1, 1, buffer);
        return buffer;
    }

    private static double time(Backend backend, double seconds, Runnable call) {
        call.run();
        backend.synchronize();
        double best = Double.MAX_VALUE;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            call.run();
            backend.synchronize();
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        return best;
    }

    private static void print(String shape, String what, double millis) {
        System.out.printf(Locale.ROOT, "%-12s %-36s %9.3f ms%n", shape, what, millis);
    }
}
