package dev.kiln.cpu;

import dev.kiln.backend.ReduceOp;

/**
 * F32 reductions and row-wise kernels: reduce along the middle axis, softmax, log-softmax, fused softmax
 * cross-entropy, argmax matches and one-hot. They compute in double from the float inputs and round each output
 * once, the accurate reference an OpenCL kernel accumulating in float approaches within the parity
 * tolerances. Every sum runs in increasing index order, whatever the partitioning.
 */
final class FloatRows {
    /** Elements below which a row-wise call runs on the calling thread. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    private FloatRows() {
    }

    /**
     * out[o, i] = reduce over m of x[o, m, i]. MAX and MIN propagate NaN; ARGMAX treats NaN as the largest
     * value and returns the first index among equals.
     */
    static void reduce(ReduceOp op, int outer, int middle, int inner, float[] x, float[] out) {
        int grain = Math.max(1, PARALLEL_ELEMENTS / middle);
        WorkPool.forRange(outer * inner, grain, (from, to) -> {
            for (int q = from; q < to; ) {
                int o = q / inner;
                int start = q - o * inner;
                int end = Math.min(inner, start + (to - q));
                reduceSegment(op, middle, inner, x, out, o, start, end);
                q += end - start;
            }
        });
    }

    private static void reduceSegment(ReduceOp op, int middle, int inner, float[] x, float[] out, int o, int start, int end) {
        int base = o * middle * inner;
        int width = end - start;
        switch (op) {
            case SUM, MEAN -> {
                double[] sums = new double[width];
                for (int m = 0; m < middle; m++) {
                    int row = base + m * inner + start;
                    for (int i = 0; i < width; i++) {
                        sums[i] += x[row + i];
                    }
                }
                double divisor = op == ReduceOp.MEAN ? middle : 1;
                for (int i = 0; i < width; i++) {
                    out[o * inner + start + i] = (float) (sums[i] / divisor);
                }
            }
            case MAX, MIN -> {
                for (int i = start; i < end; i++) {
                    double best = x[base + i];
                    for (int m = 1; m < middle; m++) {
                        double v = x[base + m * inner + i];
                        best = op == ReduceOp.MAX ? Math.max(best, v) : Math.min(best, v);
                    }
                    out[o * inner + i] = (float) best;
                }
            }
            case ARGMAX -> {
                for (int i = start; i < end; i++) {
                    double best = x[base + i];
                    int index = 0;
                    for (int m = 1; m < middle && best == best; m++) {
                        double v = x[base + m * inner + i];
                        if (v > best || v != v) {
                            best = v;
                            index = m;
                        }
                    }
                    out[o * inner + i] = index;
                }
            }
        }
    }

    /** Row-wise softmax, or log-softmax: (x - max) - ln(sum exp(x - max)). */
    static void softmax(boolean log, int rows, int cols, float[] x, float[] out) {
        WorkPool.forRange(rows, Math.max(1, PARALLEL_ELEMENTS / cols), (from, to) -> {
            double[] exps = new double[cols];
            for (int r = from; r < to; r++) {
                int base = r * cols;
                double max = rowMax(x, base, cols);
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    exps[c] = Math.exp(x[base + c] - max);
                    sum += exps[c];
                }
                if (log) {
                    double logSum = Math.log(sum);
                    for (int c = 0; c < cols; c++) {
                        out[base + c] = (float) ((x[base + c] - max) - logSum);
                    }
                } else {
                    for (int c = 0; c < cols; c++) {
                        out[base + c] = (float) (exps[c] / sum);
                    }
                }
            }
        });
    }

    static void softmaxBackward(boolean log, int rows, int cols, float[] y, float[] g, float[] gx) {
        WorkPool.forRange(rows, Math.max(1, PARALLEL_ELEMENTS / cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                double total = 0;
                if (log) {
                    for (int c = 0; c < cols; c++) {
                        total += g[base + c];
                    }
                    for (int c = 0; c < cols; c++) {
                        gx[base + c] = (float) (g[base + c] - Math.exp(y[base + c]) * total);
                    }
                } else {
                    for (int c = 0; c < cols; c++) {
                        total += g[base + c] * y[base + c];
                    }
                    for (int c = 0; c < cols; c++) {
                        gx[base + c] = (float) (y[base + c] * (g[base + c] - total));
                    }
                }
            }
        });
    }

    /** Terms with a zero target are skipped, so a -infinity log-probability where the target is 0 costs nothing. */
    static void softmaxCrossEntropy(int rows, int cols, float[] logits, float[] targets, float[] probabilities, float[] losses) {
        WorkPool.forRange(rows, Math.max(1, PARALLEL_ELEMENTS / cols), (from, to) -> {
            double[] exps = new double[cols];
            for (int r = from; r < to; r++) {
                int base = r * cols;
                double max = rowMax(logits, base, cols);
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    exps[c] = Math.exp(logits[base + c] - max);
                    sum += exps[c];
                }
                double logSum = Math.log(sum);
                double loss = 0;
                for (int c = 0; c < cols; c++) {
                    probabilities[base + c] = (float) (exps[c] / sum);
                    double target = targets[base + c];
                    if (target != 0) {
                        loss -= target * ((logits[base + c] - max) - logSum);
                    }
                }
                losses[r] = (float) loss;
            }
        });
    }

    /** The loss gradient of row r is scale * gradLosses[r * gradStride] (a stride of 0 shares one value). */
    static void softmaxCrossEntropyBackward(int rows, int cols, float scale, float[] probabilities, float[] targets,
                                            float[] gradLosses, int gradStride, float[] gradLogits) {
        WorkPool.forRange(rows, Math.max(1, PARALLEL_ELEMENTS / cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                double targetSum = 0;
                for (int c = 0; c < cols; c++) {
                    targetSum += targets[base + c];
                }
                double g = scale * gradLosses[r * gradStride];
                for (int c = 0; c < cols; c++) {
                    gradLogits[base + c] = (float) (g * (probabilities[base + c] * targetSum - targets[base + c]));
                }
            }
        });
    }

    /**
     * Adds to total[0] the number of rows of predictions [rows, cols] whose first largest element (NaN the largest)
     * sits in the column of the labels' first largest, or, with {@code indices}, at indices[r].
     */
    static void addArgmaxMatches(int rows, int cols, float[] predictions, float[] labels, int[] indices,
                                 float[] total) {
        int matches = 0;
        for (int r = 0; r < rows; r++) {
            int label = indices != null ? indices[r] : argmax(labels, r * cols, cols);
            if (argmax(predictions, r * cols, cols) == label) {
                matches++;
            }
        }
        total[0] += matches;
    }

    private static int argmax(float[] x, int base, int cols) {
        float best = x[base];
        int index = 0;
        for (int c = 1; c < cols && best == best; c++) {
            float v = x[base + c];
            if (v > best || v != v) {
                best = v;
                index = c;
            }
        }
        return index;
    }

    /** An index that is not a whole number in [0, classes) (NaN included) gives a row of zeros. */
    static void oneHot(int rows, int classes, int[] indices, float[] out) {
        java.util.Arrays.fill(out, 0, rows * classes, 0);
        for (int r = 0; r < rows; r++) {
            int index = indices[r];
            if (index >= 0 && index < classes) {
                out[r * classes + index] = 1;
            }
        }
    }

    private static double rowMax(float[] x, int base, int cols) {
        double max = x[base];
        for (int c = 1; c < cols; c++) {
            max = Math.max(max, x[base + c]);
        }
        return max;
    }
}
