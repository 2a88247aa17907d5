package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The products {@code kiln tune} times, with their operands on the device and their exact results: the shapes and
 * transposes of training (an MLP's first layer forward and backward, a convolution's kernel gradient, a square
 * product). A candidate is timed only after its results match the reference computed on the host in double.
 */
final class GemmWorkload implements AutoCloseable {
    /** One product: c [m, n] = op(a) [m, k] op(b) [k, n]. */
    record Shape(int m, int n, int k, boolean transposeA, boolean transposeB) {
        @Override
        public String toString() {
            return (transposeA ? "T" : "N") + (transposeB ? "T" : "N") + " " + m + "x" + n + "x" + k;
        }
    }

    static final List<Shape> TRAINING = List.of(
            new Shape(128, 128, 784, false, false),
            new Shape(784, 128, 128, true, false),
            new Shape(128, 784, 128, false, true),
            new Shape(288, 64, 15488, true, false),
            new Shape(512, 512, 512, false, false));
    /** Small products of every transpose: a search of seconds rather than minutes, less representative. */
    static final List<Shape> QUICK = List.of(
            new Shape(64, 48, 200, false, false),
            new Shape(72, 40, 96, true, false),
            new Shape(40, 72, 64, false, true));
    private static final int TIMED_RUNS = 5;

    private final OpenClBackend backend;
    private final DType dtype;
    private final List<Operands> operands = new ArrayList<>();

    private record Operands(Shape shape, Buffer a, Buffer b, Buffer c, double[] expected, double scale) {
    }

    GemmWorkload(OpenClBackend backend, DType dtype, List<Shape> shapes, long seed) {
        this.backend = backend;
        this.dtype = dtype;
        SplittableRandom random = new SplittableRandom(seed);
        try {
            for (Shape shape : shapes) {
                double[] a = values(random, (long) shape.m() * shape.k());
                double[] b = values(random, (long) shape.k() * shape.n());
                double[] expected = reference(shape, a, b);
                double scale = Arrays.stream(expected).map(Math::abs).max().orElse(1);
                operands.add(new Operands(shape, upload(a), upload(b), backend.allocate(dtype, expected.length),
                        expected, scale));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Runs every product once with the backend's current gemm tuning and checks it, then times {@link #TIMED_RUNS}
     * runs of each; returns the sum over the shapes of the median seconds.
     */
    double seconds() {
        double total = 0;
        for (Operands o : operands) {
            run(o);
            check(o.shape(), download(o.c(), o.expected().length), o.expected(), o.scale(), dtype);
            double[] times = new double[TIMED_RUNS];
            for (int r = 0; r < TIMED_RUNS; r++) {
                long start = System.nanoTime();
                run(o);
                backend.synchronize();
                times[r] = (System.nanoTime() - start) / 1e9;
            }
            Arrays.sort(times);
            total += times[TIMED_RUNS / 2];
        }
        return total;
    }

    private void run(Operands o) {
        Shape s = o.shape();
        backend.gemm(s.transposeA(), s.transposeB(), s.m(), s.n(), s.k(), 1, o.a(), o.b(), 0, o.c());
    }

    /**
     * Fails when an element is off the double result by more than rounding can explain: a thousandth (F32) or a
     * billionth (F64) of the largest result's magnitude, {@code scale}.
     */
    static void check(Shape shape, double[] actual, double[] expected, double scale, DType dtype) {
        double tolerance = (dtype == DType.F64 ? 1e-9 : 1e-3) * scale;
        for (int i = 0; i < actual.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= tolerance)) {
                throw new KilnException("gemm " + shape + " gave " + actual[i] + " at element " + i + ", expected "
                        + expected[i] + " (tolerance " + tolerance + ")");
            }
        }
    }

    private static double[] values(SplittableRandom random, long count) {
        double[] v = new double[Math.toIntExact(count)];
        for (int i = 0; i < v.length; i++) {
            // representable in F32, so that both precisions multiply the same numbers
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static double[] reference(Shape s, double[] a, double[] b) {
        double[] c = new double[s.m() * s.n()];
        for (int i = 0; i < s.m(); i++) {
            for (int p = 0; p < s.k(); p++) {
                double x = s.transposeA() ? a[p * s.m() + i] : a[i * s.k() + p];
                int row = i * s.n();
                for (int j = 0; j < s.n(); j++) {
                    c[row + j] += x * (s.transposeB() ? b[j * s.k() + p] : b[p * s.n() + j]);
                }
            }
        }
        return c;
    }

    private Buffer upload(double[] values) {
        Buffer buffer = backend.allocate(dtype, values.length);
        if (dtype == DType.F64) {
            backend.upload(values, buffer);
        } else {
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            backend.upload(floats, buffer);
        }
        return buffer;
    }

    private double[] download(Buffer buffer, int length) {
        double[] values = new double[length];
        if (dtype == DType.F64) {
            backend.download(buffer, values);
        } else {
            float[] floats = new float[length];
            backend.download(buffer, floats);
            for (int i = 0; i < length; i++) {
                values[i] = floats[i];
            }
        }
        return values;
    }

    @Override
    public void close() {
        for (Operands o : operands) {
            backend.free(o.a());
            backend.free(o.b());
            backend.free(o.c());
        }
        operands.clear();
    }
}
