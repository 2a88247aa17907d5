package dev.kiln.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.DType;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Convolution and pooling ops against their direct definitions, in F64 and F32, with the shapes Keras gives. */
class ConvolutionOpsTest extends OnCpuBackend {
    private long buffersBefore;

    @BeforeEach
    void countBuffers() {
        buffersBefore = backend.liveBuffers();
    }

    @AfterEach
    void nothingLeaks() {
        assertEquals(buffersBefore, backend.liveBuffers(), "every tensor an op made is freed with its result");
    }

    private static double[] random(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = random.nextDouble(-1, 1);
        }
        return v;
    }

    private static int size(int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    @ParameterizedTest(name = "x {0}x{1}x{2}x{3}, kernel {4}x{5}, {6} filters, stride {7}, dilation {8}, {9}")
    @CsvSource({
        "1, 5, 5, 1, 3, 3, 1, 1, 1, valid",
        "2, 7, 6, 3, 3, 3, 4, 2, 1, valid",
        "2, 7, 6, 3, 3, 3, 4, 2, 1, same",
        "1, 4, 4, 2, 2, 2, 3, 1, 1, same",
        "2, 8, 9, 2, 3, 2, 2, 1, 2, valid",
        "2, 8, 9, 2, 3, 3, 2, 2, 2, same",
        "3, 6, 5, 4, 1, 1, 5, 1, 1, valid",
        "2, 6, 5, 4, 1, 1, 5, 2, 1, same",
        "1, 5, 5, 2, 3, 3, 2, 1, 1, 1;2;0;1",
    })
    void conv2dMatchesTheDirectDefinition(int n, int h, int w, int c, int kh, int kw, int f, int stride, int dilation,
                                          String padding) {
        int[] xs = {n, h, w, c};
        int[] ks = {kh, kw, c, f};
        double[] x = random(size(xs), 1);
        double[] k = random(size(ks), 2);
        Padding2d mode = Padding2d.parse(padding.replace(';', ','));
        int[] pad = explicitPads(mode, h, w, kh, kw, stride, dilation);
        double[] expected = ConvolutionReference.conv2d(x, xs, k, ks, stride, dilation, pad);
        int oh = ConvolutionReference.outSize(h, kh, stride, dilation, pad[0], pad[1]);
        int ow = ConvolutionReference.outSize(w, kw, stride, dilation, pad[2], pad[3]);
        WindowOptions options = new WindowOptions(stride, stride, dilation, dilation, mode);
        for (DType dtype : DType.values()) {
            if (!dtype.isReal()) {
                continue;
            }
            try (Tensor images = Tensor.of(backend, dtype, Shape.of(xs), x);
                 Tensor kernel = Tensor.of(backend, dtype, Shape.of(ks), k);
                 Tensor y = ConvolutionOps.conv2d(images, kernel, options)) {
                assertEquals(Shape.of(n, oh, ow, f), y.shape());
                assertArrayEquals(expected, y.toDoubleArray(), dtype == DType.F64 ? 1e-12 : 1e-5, dtype.toString());
            }
        }
        if (mode.isSame()) {
            assertEquals((h + stride - 1) / stride, oh, "same padding gives ceil(size / stride) rows");
        }
    }

    /** Padding as {top, bottom, left, right}, by the TensorFlow rule for 'same'. */
    private static int[] explicitPads(Padding2d mode, int h, int w, int kh, int kw, int stride, int dilation) {
        if (mode.equals(Padding2d.VALID)) {
            return new int[4];
        }
        if (mode.isSame()) {
            int[] rows = samePads(h, kh, stride, dilation);
            int[] columns = samePads(w, kw, stride, dilation);
            return new int[] {rows[0], rows[1], columns[0], columns[1]};
        }
        String[] parts = mode.toString().split(",");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
            Integer.parseInt(parts[3])};
    }

    private static int[] samePads(int size, int kernel, int stride, int dilation) {
        int out = (size + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0);
        return new int[] {total / 2, total - total / 2};
    }

    @ParameterizedTest(name = "x {0}x{1}x{2}x{3}, kernel {4}x{5}, {6} filters, stride {7}, dilation {8}, {9}")
    @CsvSource({
        "1, 3, 3, 1, 3, 3, 1, 1, 1, valid",
        "2, 4, 3, 3, 3, 3, 2, 2, 1, valid",
        "2, 4, 3, 3, 3, 3, 2, 2, 1, same",
        "2, 7, 7, 4, 5, 5, 3, 2, 1, same",
        "1, 3, 4, 2, 2, 2, 3, 3, 1, valid",
        "2, 3, 3, 2, 3, 3, 2, 1, 2, valid",
        "1, 4, 4, 2, 4, 4, 2, 2, 1, 1;1;1;1",
    })
    void conv2dTransposeMatchesTheScatterDefinitionAndKerasShapes(int n, int h, int w, int c, int kh, int kw, int f,
                                                                 int stride, int dilation, String padding) {
        int[] xs = {n, h, w, c};
        int[] ks = {kh, kw, f, c};
        double[] x = random(size(xs), 3);
        double[] k = random(size(ks), 4);
        Padding2d mode = Padding2d.parse(padding.replace(';', ','));
        int extentH = dilation * (kh - 1) + 1;
        int extentW = dilation * (kw - 1) + 1;
        int oh;
        int ow;
        int padTop;
        int padLeft;
        if (mode.equals(Padding2d.VALID)) {
            oh = h * stride + Math.max(extentH - stride, 0);
            ow = w * stride + Math.max(extentW - stride, 0);
            padTop = 0;
            padLeft = 0;
        } else if (mode.isSame()) {
            oh = h * stride;
            ow = w * stride;
            padTop = Math.max((h - 1) * stride + extentH - oh, 0) / 2;
            padLeft = Math.max((w - 1) * stride + extentW - ow, 0) / 2;
        } else {
            int[] pad = explicitPads(mode, h, w, kh, kw, stride, dilation);
            oh = (h - 1) * stride + extentH - pad[0] - pad[1];
            ow = (w - 1) * stride + extentW - pad[2] - pad[3];
            padTop = pad[0];
            padLeft = pad[2];
        }
        double[] expected = ConvolutionReference.conv2dTranspose(x, xs, k, ks, stride, dilation, padTop, padLeft,
                oh, ow);
        WindowOptions options = new WindowOptions(stride, stride, dilation, dilation, mode);
        try (Tensor images = Tensor.of(backend, DType.F64, Shape.of(xs), x);
             Tensor kernel = Tensor.of(backend, DType.F64, Shape.of(ks), k);
             Tensor y = ConvolutionOps.conv2dTranspose(images, kernel, options)) {
            assertEquals(Shape.of(n, oh, ow, f), y.shape());
            assertArrayEquals(expected, y.toDoubleArray(), 1e-12);
        }
    }

    @ParameterizedTest(name = "x {0}x{1}x{2}x{3}, pool {4}, stride {5}, {6}")
    @CsvSource({
        "1, 4, 4, 1, 2, 2, valid",
        "2, 7, 5, 3, 2, 2, valid",
        "2, 7, 5, 3, 2, 2, same",
        "2, 7, 5, 3, 3, 2, same",
        "1, 6, 6, 2, 3, 1, valid",
        "2, 5, 6, 2, 3, 2, 1;1;1;1",
    })
    void poolingMatchesTheDirectDefinition(int n, int h, int w, int c, int pool, int stride, String padding) {
        int[] xs = {n, h, w, c};
        double[] x = random(size(xs), 5);
        Padding2d mode = Padding2d.parse(padding.replace(';', ','));
        int[] pad = explicitPads(mode, h, w, pool, pool, stride, 1);
        WindowOptions options = WindowOptions.of(stride, mode);
        try (Tensor images = Tensor.of(backend, DType.F64, Shape.of(xs), x);
             Tensor max = ConvolutionOps.maxPool2d(images, pool, pool, options);
             Tensor avg = ConvolutionOps.avgPool2d(images, pool, pool, options)) {
            assertArrayEquals(ConvolutionReference.pool(x, xs, pool, stride, pad, false), max.toDoubleArray(), 0);
            assertArrayEquals(ConvolutionReference.pool(x, xs, pool, stride, pad, true), avg.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void maxPoolingRoutesTheGradientToTheFirstOfTiedMaxima() {
        // one 2x2 window holding the maximum 3 twice; the gradient goes to the first in row-major order
        try (Tensor images = Tensor.of(backend, DType.F64, Shape.of(1, 2, 2, 1), new double[] {1, 3, 3, 2})
                .requiresGrad(true)) {
            try (MemoryScope ignored = MemoryScope.open()) {
                Tensor y = ConvolutionOps.maxPool2d(images, 2, 2, WindowOptions.of(2, Padding2d.VALID));
                Autograd.backward(Ops.sum(y));
            }
            assertArrayEquals(new double[] {0, 1, 0, 0}, images.grad().toDoubleArray());
        }
    }

    @Test
    void averagePoolingDoesNotCountThePadding() {
        // 3x3 image, 2x2 windows, stride 2, same padding: the right column and bottom row of windows are half outside
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        try (Tensor images = Tensor.of(backend, DType.F64, Shape.of(1, 3, 3, 1), x);
             Tensor y = ConvolutionOps.avgPool2d(images, 2, 2, WindowOptions.of(2, Padding2d.SAME))) {
            assertArrayEquals(new double[] {3, 4.5, 7.5, 9}, y.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void upSamplingRepeatsEachPixelIntoABlock() {
        try (Tensor images = Tensor.of(backend, DType.F64, Shape.of(1, 2, 2, 2), new double[] {1, -1, 2, -2, 3, -3, 4, -4});
             Tensor y = ConvolutionOps.upSampling2d(images, 2, 3)) {
            assertEquals(Shape.of(1, 4, 6, 2), y.shape());
            double[] v = y.toDoubleArray();
            for (int row = 0; row < 4; row++) {
                for (int col = 0; col < 6; col++) {
                    double pixel = 1 + (row / 2) * 2 + col / 3;
                    assertEquals(pixel, v[(row * 6 + col) * 2]);
                    assertEquals(-pixel, v[(row * 6 + col) * 2 + 1]);
                }
            }
        }
    }

    @Test
    void badShapesAreNamed() {
        try (Tensor images = Tensor.zeros(backend, DType.F32, Shape.of(2, 2, 2, 3));
             Tensor kernel = Tensor.zeros(backend, DType.F32, Shape.of(3, 3, 3, 4));
             Tensor wrongChannels = Tensor.zeros(backend, DType.F32, Shape.of(1, 1, 2, 4));
             Tensor flat = Tensor.zeros(backend, DType.F32, Shape.of(2, 12))) {
            String small = assertThrows(KilnException.class,
                    () -> ConvolutionOps.conv2d(images, kernel, WindowOptions.DEFAULT)).getMessage();
            assertTrue(small.contains("smaller than the 3x3 window") && small.contains("[2, 2, 2, 3]"), small);
            String channels = assertThrows(KilnException.class,
                    () -> ConvolutionOps.conv2d(images, wrongChannels, WindowOptions.DEFAULT)).getMessage();
            assertTrue(channels.contains("3 channels") && channels.contains("expects 2"), channels);
            String rank = assertThrows(KilnException.class,
                    () -> ConvolutionOps.maxPool2d(flat, 2, 2, WindowOptions.DEFAULT)).getMessage();
            assertTrue(rank.contains("[batch, height, width, channels]") && rank.contains("[2, 12]"), rank);
        }
    }

    @Test
    void inferenceFreesTheColumnsAndArgmaxAtOnce() {
        long before = backend.liveBuffers();
        try (Tensor images = Tensor.zeros(backend, DType.F32, Shape.of(2, 6, 6, 2));
             Tensor kernel = Tensor.zeros(backend, DType.F32, Shape.of(3, 3, 2, 4));
             Tensor y = ConvolutionOps.conv2d(images, kernel, WindowOptions.DEFAULT);
             Tensor pooled = ConvolutionOps.maxPool2d(y, 2, 2, WindowOptions.of(2, Padding2d.VALID))) {
            // images, kernel, the convolution and the pooling: no columns, no arg-max are left
            assertEquals(Shape.of(2, 2, 2, 4), pooled.shape());
            assertEquals(4, backend.liveBuffers() - before);
        }
    }
}
