package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.get;
import static dev.kiln.cpu.HostData.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.Window2d;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sliding-window kernels against hand-computed answers, and their backward passes against the definition of an
 * adjoint (and, for pooling, against finite differences).
 */
class CpuWindowsTest {
    private final CpuBackend backend = new CpuBackend();

    @AfterEach
    void close() {
        backend.close();
    }

    // One [3, 3] image of one channel:
    //   1 2 3
    //   4 5 6
    //   7 8 9
    private static final double[] DIGITS = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    /** Keras "same" with a 2x2 kernel, stride 1: one zero row below and one zero column right of the image. */
    private static final Window2d SAME_2X2 = Window2d.of(1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 0, 1, 0, 1);

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void im2colReadsEachWindowInTapOrderWithZerosInThePadding(DType dtype) {
        Buffer columns = garbage(dtype, 9 * 4);
        backend.im2col(SAME_2X2, put(backend, dtype, DIGITS), columns);
        assertArrayEquals(new double[] {
            1, 2, 4, 5, /**/ 2, 3, 5, 6, /**/ 3, 0, 6, 0,
            4, 5, 7, 8, /**/ 5, 6, 8, 9, /**/ 6, 0, 9, 0,
            7, 8, 0, 0, /**/ 8, 9, 0, 0, /**/ 9, 0, 0, 0}, get(backend, columns));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void col2imCountsTheWindowsThatReadEachPixel(DType dtype) {
        Buffer image = garbage(dtype, 9);
        backend.col2im(SAME_2X2, put(backend, dtype, ones(9 * 4)), image);
        assertArrayEquals(new double[] {1, 2, 2, 2, 4, 4, 2, 4, 4}, get(backend, image));
    }

    @Test
    void im2colKeepsChannelsInnermost() {
        // One [2, 2] image of 2 channels and a 2x2 kernel: one window, whose row is the image itself in (ky, kx, c).
        Window2d whole = Window2d.of(1, 2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
        double[] pixels = {10, 11, 20, 21, 30, 31, 40, 41};
        Buffer columns = backend.allocate(DType.F64, 8);
        backend.im2col(whole, put(backend, DType.F64, pixels), columns);
        assertArrayEquals(pixels, get(backend, columns));
    }

    @Test
    void dilatedTapsSkipPixels() {
        // One [5, 5] image holding 0..24; 2x2 taps 2 apart, stride 2: windows read rows and columns {0, 2} and {2, 4}.
        Window2d dilated = Window2d.of(1, 5, 5, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0);
        double[] image = new double[25];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        Buffer columns = backend.allocate(DType.F64, 16);
        backend.im2col(dilated, put(backend, DType.F64, image), columns);
        assertArrayEquals(new double[] {0, 2, 10, 12, /**/ 2, 4, 12, 14, /**/ 10, 12, 20, 22, /**/ 12, 14, 22, 24},
                get(backend, columns));
    }

    @Test
    void aDilatedWindowMayReadOnlyPadding() {
        // One pixel, 2x2 taps 3 apart, two zero rows and columns before it and one after: the taps land at -2 and 1.
        Window2d padding = Window2d.of(1, 1, 1, 1, 2, 2, 1, 1, 3, 3, 2, 1, 2, 1);
        Buffer columns = garbage(DType.F64, 4);
        backend.im2col(padding, put(backend, DType.F64, 7), columns);
        assertArrayEquals(new double[] {0, 0, 0, 0}, get(backend, columns));
        Buffer image = garbage(DType.F64, 1);
        backend.col2im(padding, put(backend, DType.F64, 1, 2, 3, 4), image);
        assertArrayEquals(new double[] {0}, get(backend, image));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void maxPoolTakesTheFirstLargestTapAndRoutesItsGradientThere(DType dtype) {
        // One [2, 4] image of one channel, 2x2 windows, stride 2:
        //   3 1 | 2 5
        //   3 0 | 5 5
        Window2d halves = Window2d.of(1, 2, 4, 1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0);
        Buffer out = garbage(dtype, 2);
        Buffer argmax = backend.allocate(DType.I32, 2);
        backend.maxPool(halves, put(backend, dtype, 3, 1, 2, 5, 3, 0, 5, 5), out, argmax);
        assertArrayEquals(new double[] {3, 5}, get(backend, out));
        assertArrayEquals(new int[] {0, 1}, ints(argmax), "ties go to the first tap in (ky, kx) order");
        Buffer gradImage = garbage(dtype, 8);
        backend.maxPoolBackward(halves, put(backend, dtype, 10, 20), argmax, gradImage);
        assertArrayEquals(new double[] {10, 0, 0, 20, 0, 0, 0, 0}, get(backend, gradImage));
    }

    @Test
    void maxPoolPropagatesTheFirstNaN() {
        Window2d pairs = Window2d.of(1, 1, 4, 1, 1, 2, 1, 2, 1, 1, 0, 0, 0, 0);
        Buffer out = backend.allocate(DType.F32, 2);
        Buffer argmax = backend.allocate(DType.I32, 2);
        backend.maxPool(pairs, put(backend, DType.F32, 1, Double.NaN, Double.NaN, Double.NaN), out, argmax);
        double[] values = get(backend, out);
        assertEquals(2, values.length);
        assertEquals(Double.NaN, values[0]);
        assertEquals(Double.NaN, values[1]);
        assertArrayEquals(new int[] {1, 0}, ints(argmax));
    }

    @Test
    void maxPoolIgnoresThePadding() {
        // Keras "same" 3x3, stride 1, over negative pixels: a padding zero would otherwise win every border window.
        Window2d same = Window2d.of(1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Buffer out = backend.allocate(DType.F64, 4);
        Buffer argmax = backend.allocate(DType.I32, 4);
        backend.maxPool(same, put(backend, DType.F64, -4, -3, -2, -1), out, argmax);
        assertArrayEquals(new double[] {-1, -1, -1, -1}, get(backend, out));
        // Pixel (1, 1) is tap (2, 2) of window (0, 0), (2, 1) of (0, 1), (1, 2) of (1, 0) and (1, 1) of (1, 1).
        assertArrayEquals(new int[] {8, 7, 5, 4}, ints(argmax));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void averagePoolingCountsOnlyTheTapsInsideTheImage(DType dtype) {
        // Keras "same" 2x2, stride 2 over the 3x3 digits: the right and bottom windows hang over the padding.
        Window2d same = Window2d.of(1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 0, 1, 0, 1);
        Buffer out = garbage(dtype, 4);
        backend.avgPool(same, put(backend, dtype, DIGITS), out);
        assertArrayEquals(new double[] {3, 4.5, 7.5, 9}, get(backend, out));
        Buffer gradImage = garbage(dtype, 9);
        backend.avgPoolBackward(same, put(backend, dtype, 1, 1, 1, 1), gradImage);
        assertArrayEquals(new double[] {0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1}, get(backend, gradImage));
    }

    @Test
    void averagePoolingGradientSumsOverlappingWindows() {
        // 2x2 windows, stride 1, over a [3, 3] image: the centre pixel is in all four windows, each a quarter.
        Window2d overlapping = Window2d.of(1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
        Buffer gradImage = backend.allocate(DType.F64, 9);
        backend.avgPoolBackward(overlapping, put(backend, DType.F64, 4, 8, 12, 16), gradImage);
        assertArrayEquals(new double[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, get(backend, gradImage));
    }

    /** Convolution windows: stride 1 "same", stride 2 with asymmetric padding, dilation, both, 1x1 skipping pixels. */
    private static final Window2d[] CONVOLUTIONS = {
        Window2d.of(2, 5, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        Window2d.of(3, 7, 8, 1, 3, 3, 2, 2, 1, 1, 1, 1, 0, 1),
        Window2d.of(2, 9, 8, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2),
        Window2d.of(1, 8, 9, 2, 3, 2, 2, 3, 2, 2, 2, 1, 1, 2),
        Window2d.of(2, 5, 5, 3, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0),
        Window2d.of(4, 16, 16, 16, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0)};

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void col2imIsTheAdjointOfIm2col(DType dtype) {
        Random random = new Random(7);
        for (Window2d w : CONVOLUTIONS) {
            double[] x = HostData.roundedToFloat(HostData.uniform(random, (int) w.imageLength(), -1, 1));
            double[] y = HostData.roundedToFloat(HostData.uniform(random, w.columnRows() * w.columnWidth(), -1, 1));
            Buffer columns = backend.allocate(dtype, y.length);
            Buffer image = backend.allocate(dtype, x.length);
            backend.im2col(w, put(backend, dtype, x), columns);
            backend.col2im(w, put(backend, dtype, y), image);
            // <im2col(x), y> == <x, col2im(y)>
            assertAdjoint(dot(get(backend, columns), y), dot(x, get(backend, image)), dtype, w);
        }
    }

    /** Pooling windows: disjoint, hanging over asymmetric padding, overlapping with symmetric padding, rectangular. */
    private static final Window2d[] POOLINGS = {
        Window2d.of(2, 6, 6, 3, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0),
        Window2d.of(2, 5, 5, 3, 2, 2, 2, 2, 1, 1, 0, 1, 0, 1),
        Window2d.of(1, 7, 9, 2, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1),
        Window2d.of(3, 6, 7, 1, 3, 2, 2, 1, 1, 1, 1, 0, 0, 1)};

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void poolingGradientsAreTheAdjointsOfTheForwardMaps(DType dtype) {
        Random random = new Random(11);
        for (Window2d w : POOLINGS) {
            int pooled = (int) w.pooledLength();
            double[] x = HostData.roundedToFloat(HostData.uniform(random, (int) w.imageLength(), -1, 1));
            double[] g = HostData.roundedToFloat(HostData.uniform(random, pooled, -1, 1));
            Buffer image = put(backend, dtype, x);
            Buffer gradOut = put(backend, dtype, g);
            Buffer out = backend.allocate(dtype, pooled);
            Buffer gradImage = backend.allocate(dtype, x.length);
            backend.avgPool(w, image, out);
            backend.avgPoolBackward(w, gradOut, gradImage);
            assertAdjoint(dot(get(backend, out), g), dot(x, get(backend, gradImage)), dtype, w);
            // With its argmax fixed, max pooling is linear too: out selects one pixel per window.
            Buffer argmax = backend.allocate(DType.I32, pooled);
            backend.maxPool(w, image, out, argmax);
            backend.maxPoolBackward(w, gradOut, argmax, gradImage);
            assertAdjoint(dot(get(backend, out), g), dot(x, get(backend, gradImage)), dtype, w);
        }
    }

    @Test
    void poolingGradientsMatchFiniteDifferences() {
        Random random = new Random(13);
        double eps = 1e-4;
        for (Window2d w : POOLINGS) {
            // Distinct pixels 0.01 apart: a step of eps never changes which tap is largest.
            double[] x = new double[(int) w.imageLength()];
            for (int i = 0; i < x.length; i++) {
                x[i] = 0.01 * i;
            }
            shuffle(x, random);
            double[] g = HostData.uniform(random, (int) w.pooledLength(), -1, 1);
            for (boolean max : new boolean[] {false, true}) {
                double[] gradient = poolGradient(w, max, x, g);
                for (int i = 0; i < x.length; i++) {
                    double[] up = x.clone();
                    double[] down = x.clone();
                    up[i] += eps;
                    down[i] -= eps;
                    double numeric = (dot(pool(w, max, up), g) - dot(pool(w, max, down), g)) / (2 * eps);
                    assertEquals(numeric, gradient[i], 1e-8, (max ? "max" : "average") + " pooling " + w
                            + ", pixel " + i);
                }
            }
        }
    }

    private double[] pool(Window2d w, boolean max, double[] x) {
        Buffer out = backend.allocate(DType.F64, w.pooledLength());
        if (max) {
            backend.maxPool(w, put(backend, DType.F64, x), out, backend.allocate(DType.I32, w.pooledLength()));
        } else {
            backend.avgPool(w, put(backend, DType.F64, x), out);
        }
        return get(backend, out);
    }

    private double[] poolGradient(Window2d w, boolean max, double[] x, double[] g) {
        Buffer gradImage = backend.allocate(DType.F64, x.length);
        if (max) {
            Buffer argmax = backend.allocate(DType.I32, w.pooledLength());
            backend.maxPool(w, put(backend, DType.F64, x), backend.allocate(DType.F64, w.pooledLength()), argmax);
            backend.maxPoolBackward(w, put(backend, DType.F64, g), argmax, gradImage);
        } else {
            backend.avgPoolBackward(w, put(backend, DType.F64, g), gradImage);
        }
        return get(backend, gradImage);
    }

    /** Both sides of an adjoint identity: sums of a few hundred products, compared relative to their size. */
    private static void assertAdjoint(double forward, double backward, DType dtype, Window2d w) {
        double margin = (dtype == DType.F32 ? 1e-4 : 1e-12) * Math.max(1, Math.abs(forward));
        assertEquals(forward, backward, margin, w.toString());
    }

    /** A buffer of NaNs: the outputs must be overwritten, whatever they held. */
    private Buffer garbage(DType dtype, int length) {
        Buffer buffer = backend.allocate(dtype, length);
        backend.fill(buffer, Double.NaN);
        return buffer;
    }

    private int[] ints(Buffer buffer) {
        int[] values = new int[(int) buffer.length()];
        backend.download(buffer, values);
        return values;
    }

    private static double[] ones(int length) {
        double[] values = new double[length];
        Arrays.fill(values, 1);
        return values;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void shuffle(double[] values, Random random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
