package dev.kiln.cpu;

import dev.kiln.backend.Activation;
import dev.kiln.backend.DType;
import dev.kiln.backend.ReduceOp;

/**
 * The bias and activation a fused dense layer applies to its product, in place over the rows of the gemm's result,
 * and their adjoint: the activation's gradient (taken from the output, as {@link Activation} allows) and the bias
 * gradient, the column sums {@code reduce} computes. The functions are {@link FloatElementwise}'s and
 * {@link DoubleElementwise}'s, so a fused layer rounds exactly as separate calls would.
 */
final class DenseEpilogue {
    private static final int GRAIN = 1 << 15;

    private DenseEpilogue() {
    }

    /** out[r, c] = f(out[r, c] + bias[c]) (no bias when null). */
    static void forward(Activation f, double alpha, int rows, int cols, CpuBuffer bias, CpuBuffer out) {
        if (bias == null && f == Activation.IDENTITY) {
            return;
        }
        double a = f.unaryA(alpha);
        WorkPool.forRange(rows, Math.max(1, GRAIN / Math.max(cols, 1)), (first, last) -> {
            int from = first * cols;
            int to = last * cols;
            if (out.dtype() == DType.F32) {
                float[] y = out.floats();
                if (bias != null) {
                    float[] b = bias.floats();
                    for (int i = from; i < to; i += cols) {
                        for (int c = 0; c < cols; c++) {
                            y[i + c] += b[c];
                        }
                    }
                }
                if (f != Activation.IDENTITY) {
                    FloatElementwise.unary(f.unary(), (float) a, 0, y, y, from, to);
                }
            } else {
                double[] y = out.doubles();
                if (bias != null) {
                    double[] b = bias.doubles();
                    for (int i = from; i < to; i += cols) {
                        for (int c = 0; c < cols; c++) {
                            y[i + c] += b[c];
                        }
                    }
                }
                if (f != Activation.IDENTITY) {
                    DoubleElementwise.unary(f.unary(), a, 0, y, y, from, to);
                }
            }
        });
    }

    /** gradIn = gradOut * f'(y) and, when gradBias is given, gradBias[c] = sum over r of gradIn[r, c]. */
    static void backward(Activation f, double alpha, int rows, int cols, CpuBuffer y, CpuBuffer gradOut,
                         CpuBuffer gradIn, CpuBuffer gradBias) {
        double a = f.unaryA(alpha);
        // y stands in for x: y > 0 exactly where x > 0, which is all RELU, LEAKY_RELU and ELU read of x.
        if (y.dtype() == DType.F32) {
            WorkPool.forRange(y.size(), GRAIN, (from, to) -> FloatElementwise.unaryBackward(f.unary(), (float) a, 0,
                    y.floats(), y.floats(), gradOut.floats(), gradIn.floats(), from, to));
            if (gradBias != null) {
                FloatRows.reduce(ReduceOp.SUM, 1, rows, cols, gradIn.floats(), gradBias.floats());
            }
        } else {
            WorkPool.forRange(y.size(), GRAIN, (from, to) -> DoubleElementwise.unaryBackward(f.unary(), a, 0,
                    y.doubles(), y.doubles(), gradOut.doubles(), gradIn.doubles(), from, to));
            if (gradBias != null) {
                DoubleRows.reduce(ReduceOp.SUM, 1, rows, cols, gradIn.doubles(), gradBias.doubles());
            }
        }
    }
}
