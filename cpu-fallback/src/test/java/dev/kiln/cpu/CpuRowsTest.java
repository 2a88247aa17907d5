package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.assertClose;
import static dev.kiln.cpu.HostData.get;
import static dev.kiln.cpu.HostData.put;
import static dev.kiln.cpu.HostData.tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.ReduceOp;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reductions, softmax, cross-entropy, one-hot and transpose against hand-computed answers. */
class CpuRowsTest {
    private final CpuBackend backend = new CpuBackend();

    @AfterEach
    void close() {
        backend.close();
    }

    // x [2, 3, 2] = [[[1, -2], [3, 3], [-5, 0]], [[2, 2], [7, -1], [0.5, 4]]], also read as [4, 3] and [12].
    private static final double[] X = {1, -2, 3, 3, -5, 0, 2, 2, 7, -1, 0.5, 4};

    private record View(int outer, int middle, int inner, Map<ReduceOp, double[]> expected) {
    }

    private static Map<ReduceOp, double[]> answers(double[] sum, double[] mean, double[] max, double[] min, double[] argmax) {
        Map<ReduceOp, double[]> answers = new EnumMap<>(ReduceOp.class);
        answers.put(ReduceOp.SUM, sum);
        answers.put(ReduceOp.MEAN, mean);
        answers.put(ReduceOp.MAX, max);
        answers.put(ReduceOp.MIN, min);
        answers.put(ReduceOp.ARGMAX, argmax);
        return answers;
    }

    private static final View[] VIEWS = {
        new View(1, 12, 1, answers(new double[] {14.5}, new double[] {14.5 / 12}, new double[] {7}, new double[] {-5},
                new double[] {8})),
        new View(2, 3, 2, answers(new double[] {-1, 1, 9.5, 5}, new double[] {-1.0 / 3, 1.0 / 3, 9.5 / 3, 5.0 / 3},
                new double[] {3, 3, 7, 4}, new double[] {-5, -2, 0.5, -1}, new double[] {1, 1, 1, 2})),
        new View(4, 3, 1, answers(new double[] {2, -2, 11, 3.5}, new double[] {2.0 / 3, -2.0 / 3, 11.0 / 3, 3.5 / 3},
                new double[] {3, 3, 7, 4}, new double[] {-2, -5, 2, -1}, new double[] {2, 0, 2, 2})),
        new View(1, 4, 3, answers(new double[] {5, -4.5, 14}, new double[] {1.25, -1.125, 3.5},
                new double[] {3, 2, 7}, new double[] {-1, -5, 0}, new double[] {1, 2, 2})),
    };

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void everyReduceOpAlongEachAxis(DType dtype) {
        Buffer x = put(backend, dtype, X);
        for (View view : VIEWS) {
            assertEquals(EnumSet.allOf(ReduceOp.class), view.expected().keySet());
            for (Map.Entry<ReduceOp, double[]> entry : view.expected().entrySet()) {
                Buffer out = backend.allocate(dtype, (long) view.outer() * view.inner());
                backend.reduce(entry.getKey(), view.outer(), view.middle(), view.inner(), x, out);
                assertClose(entry.getValue(), get(backend, out), tolerance(dtype),
                        entry.getKey() + " over " + view.outer() + "x" + view.middle() + "x" + view.inner());
            }
        }
    }

    @Test
    void argmaxTakesTheFirstOfEqualValues() {
        Buffer x = put(backend, DType.F32, 5, 1, 5, 5, 3, 3);
        Buffer out = backend.allocate(DType.F32, 2);
        backend.reduce(ReduceOp.ARGMAX, 2, 3, 1, x, out);
        assertArrayEquals(new double[] {0, 0}, get(backend, out));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void largeReductionsMatchAPlainLoop(DType dtype) {
        Random random = new Random(2);
        int outer = 3, middle = 700, inner = 50;
        double[] x = HostData.roundedToFloat(HostData.uniform(random, outer * middle * inner, -1, 1));
        Buffer xb = put(backend, dtype, x);
        Buffer out = backend.allocate(dtype, outer * inner);
        backend.reduce(ReduceOp.SUM, outer, middle, inner, xb, out);
        double[] expected = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int m = 0; m < middle; m++) {
                for (int i = 0; i < inner; i++) {
                    expected[o * inner + i] += x[(o * middle + m) * inner + i];
                }
            }
        }
        assertClose(expected, get(backend, out), tolerance(dtype), "sum over 700");
    }

    private static final double[] SOFTMAX = {0.09003057317038046, 0.24472847105479764, 0.6652409557748218};
    private static final double[] LOG_SOFTMAX = {-2.4076059644443806, -1.4076059644443804, -0.4076059644443804};

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void softmaxRowsAreStableForLargeLogits(DType dtype) {
        Buffer x = put(backend, dtype, 1, 2, 3, 1000, 1001, 1002, 0, 0, 0);
        Buffer out = backend.allocate(dtype, 9);
        backend.softmax(false, 3, 3, x, out);
        double third = 1.0 / 3;
        assertClose(concat(SOFTMAX, SOFTMAX, new double[] {third, third, third}), get(backend, out), tolerance(dtype), "softmax");
        backend.softmax(true, 3, 3, x, out);
        double logThird = -Math.log(3);
        assertClose(concat(LOG_SOFTMAX, LOG_SOFTMAX, new double[] {logThird, logThird, logThird}), get(backend, out),
                tolerance(dtype), "log-softmax");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void softmaxBackwardByHand(DType dtype) {
        Buffer gradIn = backend.allocate(dtype, 3);
        backend.softmaxBackward(false, 1, 3, put(backend, dtype, SOFTMAX), put(backend, dtype, 1, 0, 0), gradIn);
        // y * (g - y0) for g = e0
        assertClose(new double[] {0.08192506906499324, -0.022033044520174298, -0.05989202454481893}, get(backend, gradIn),
                tolerance(dtype), "softmax backward");
        backend.softmaxBackward(true, 1, 3, put(backend, dtype, LOG_SOFTMAX), put(backend, dtype, 1, 0, 0), gradIn);
        // g - softmax * sum(g)
        assertClose(new double[] {1 - SOFTMAX[0], -SOFTMAX[1], -SOFTMAX[2]}, get(backend, gradIn),
                tolerance(dtype), "log-softmax backward");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void softmaxCrossEntropyAndItsGradientByHand(DType dtype) {
        Buffer logits = put(backend, dtype, 1, 2, 3, 1000, 1001, 1002);
        Buffer targets = put(backend, dtype, 0, 0, 1, 0.5, 0.5, 0);
        Buffer probabilities = backend.allocate(dtype, 6);
        Buffer losses = backend.allocate(dtype, 2);
        backend.softmaxCrossEntropy(2, 3, logits, targets, probabilities, losses);
        assertClose(new double[] {0.4076059644443804, 1.9076059644443806}, get(backend, losses), tolerance(dtype), "losses");
        assertClose(concat(SOFTMAX, SOFTMAX), get(backend, probabilities), tolerance(dtype), "probabilities");
        Buffer gradLogits = backend.allocate(dtype, 6);
        backend.softmaxCrossEntropyBackward(2, 3, 1, probabilities, targets, put(backend, dtype, 2, -1), gradLogits);
        assertClose(new double[] {0.18006114634076092, 0.4894569421095953, -0.6695180884503564,
            0.40996942682961957, 0.25527152894520233, -0.6652409557748218}, get(backend, gradLogits), tolerance(dtype), "gradient");
    }

    @Test
    void crossEntropyGradientScalesWithTheTargetSum() {
        Buffer gradLogits = backend.allocate(DType.F64, 2);
        backend.softmaxCrossEntropyBackward(1, 2, 1, put(backend, DType.F64, 0.25, 0.75), put(backend, DType.F64, 2, 0),
                put(backend, DType.F64, 1), gradLogits);
        assertArrayEquals(new double[] {0.5 - 2, 1.5}, get(backend, gradLogits));
    }

    @Test
    void oneSharedLossGradientIsScaledForEveryRow() {
        Buffer probabilities = put(backend, DType.F32, 0.25, 0.75, 0.5, 0.5);
        Buffer targets = put(backend, DType.F32, 0, 1, 1, 0);
        Buffer gradLogits = backend.allocate(DType.F32, 4);
        // A mean's gradient: 3 shared by both rows, times 1 / 2.
        backend.softmaxCrossEntropyBackward(2, 2, 0.5, probabilities, targets, put(backend, DType.F32, 3), gradLogits);
        assertArrayEquals(new double[] {0.375, -0.375, -0.75, 0.75}, get(backend, gradLogits));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void oneHotWithOutOfRangeIndices(DType dtype) {
        Buffer out = put(backend, dtype, new double[15]);
        backend.fill(out, 7);
        Buffer indices = backend.allocate(DType.I32, 5);
        backend.upload(new int[] {2, 0, 3, -1, 1}, indices);
        backend.oneHot(5, 3, indices, out);
        backend.free(indices);
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, get(backend, out));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void transposeByHand(DType dtype) {
        Buffer out = backend.allocate(dtype, 6);
        backend.transpose(2, 3, put(backend, dtype, 1, 2, 3, 4, 5, 6), out);
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, get(backend, out));
    }

    @Test
    void largeTransposeMovesEveryElement() {
        int rows = 301, cols = 257;
        double[] x = new double[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        Buffer out = backend.allocate(DType.F32, x.length);
        backend.transpose(rows, cols, put(backend, DType.F32, x), out);
        double[] t = get(backend, out);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                assertEquals(x[r * cols + c], t[c * rows + r]);
            }
        }
    }

    private static double[] concat(double[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToDouble(java.util.Arrays::stream).toArray();
    }
}
