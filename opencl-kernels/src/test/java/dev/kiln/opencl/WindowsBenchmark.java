package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.Window2d;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Times the sliding-window primitives on the CPU backend and on the default OpenCL device, F32, at the shapes of
 * an MNIST CNN's training step (batch 128): the first convolution's windows, the second's, and 2x2 pooling. A
 * program, not a test: run it on an otherwise idle machine. Each cell is the fastest single call in milliseconds,
 * OpenCL calls timed to the end of the kernel. Argument: optional seconds per cell (default 1).
 */
public final class WindowsBenchmark {
    private record Shape(String name, Window2d window) {
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("conv 28x28x1, 3x3", Window2d.of(128, 28, 28, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0)),
            new Shape("conv 13x13x32, 3x3", Window2d.of(128, 13, 13, 32, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0)),
            new Shape("pool 26x26x32, 2x2/2", Window2d.of(128, 26, 26, 32, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0)));

    private WindowsBenchmark() {
    }

    @FunctionalInterface
    private interface Call {
        void run(Backend backend, Buffer[] buffers);
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        try (Backend cpu = Backends.select("cpu"); OpenClBackend openCl = OpenClBackend.create()) {
            System.out.printf(Locale.ROOT, "load average %.2f, %.1f s per cell; OpenCL device %s%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), seconds, openCl.device().name());
            System.out.printf(Locale.ROOT, "%-22s %-18s %10s %10s%n", "shape", "primitive", "cpu ms", "opencl ms");
            for (Shape shape : SHAPES) {
                Window2d w = shape.window();
                long image = w.imageLength();
                long columns = (long) w.columnRows() * w.columnWidth();
                long pooled = w.pooledLength();
                if (shape.name().startsWith("conv")) {
                    row(shape, "im2col", cpu, openCl, seconds, new long[] {image, columns}, false,
                            (b, x) -> b.im2col(w, x[0], x[1]));
                    row(shape, "col2im", cpu, openCl, seconds, new long[] {columns, image}, false,
                            (b, x) -> b.col2im(w, x[0], x[1]));
                } else {
                    row(shape, "maxPool", cpu, openCl, seconds, new long[] {image, pooled, pooled}, true,
                            (b, x) -> b.maxPool(w, x[0], x[1], x[2]));
                    row(shape, "maxPoolBackward", cpu, openCl, seconds, new long[] {pooled, image, pooled}, true,
                            (b, x) -> b.maxPoolBackward(w, x[0], x[2], x[1]));
                    row(shape, "avgPool", cpu, openCl, seconds, new long[] {image, pooled}, false,
                            (b, x) -> b.avgPool(w, x[0], x[1]));
                    row(shape, "avgPoolBackward", cpu, openCl, seconds, new long[] {pooled, image}, false,
                            (b, x) -> b.avgPoolBackward(w, x[0], x[1]));
                }
            }
        }
    }

    /** One line: the call on both backends; with {@code argmax} the last buffer is I32, every tap 0. */
    private static void row(Shape shape, String primitive, Backend cpu, Backend openCl, double seconds,
                            long[] lengths, boolean argmax, Call call) {
        System.out.printf(Locale.ROOT, "%-22s %-18s %10.3f %10.3f%n", shape.name(), primitive,
                fastest(cpu, seconds, lengths, argmax, call), fastest(openCl, seconds, lengths, argmax, call));
    }

    private static double fastest(Backend backend, double seconds, long[] lengths, boolean argmax, Call call) {
        Buffer[] buffers = new Buffer[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            boolean indices = argmax && i == lengths.length - 1;
            buffers[i] = backend.allocate(indices ? DType.I32 : DType.F32, lengths[i]);
            if (indices) {
                backend.fill(buffers[i], 0);
            } else {
                backend.random(Distribution.UNIFORM, 1, 0, -1, 1, buffers[i]);
            }
        }
        try {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long best = Long.MAX_VALUE;
            int calls = 0;
            while (calls < 3 || System.nanoTime() < end) {
                backend.synchronize();
                long start = System.nanoTime();
                call.run(backend, buffers);
                backend.synchronize();
                best = Math.min(best, System.nanoTime() - start);
                calls++;
            }
            return best / 1e6;
        } finally {
            for (Buffer buffer : buffers) {
                backend.free(buffer);
            }
        }
    }
}
