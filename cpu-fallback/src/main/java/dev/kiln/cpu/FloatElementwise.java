package dev.kiln.cpu;

import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.UnaryOp;

/**
 * F32 element-wise kernels over an index range, in float arithmetic; exp, expm1, log, log1p and sqrt are
 * evaluated in double by {@link Math} and rounded to float (the accurate reference). ELU uses expm1 and
 * SOFTPLUS log1p for accuracy near zero. MAXIMUM, MINIMUM, RELU and CLIP propagate NaN (an OpenCL kernel
 * must not use fmax/fmin, which drop NaN). SIGMOID and TANH go through {@link GateFunctions}, on the Vector API when
 * the JVM has it.
 */
final class FloatElementwise {
    private static final GateFunctions GATES = GateFunctions.fastest();

    private FloatElementwise() {
    }

    static void unary(UnaryOp op, float a, float b, float[] x, float[] y, int from, int to) {
        switch (op) {
            case AFFINE -> { for (int i = from; i < to; i++) y[i] = a * x[i] + b; }
            case EXP -> { for (int i = from; i < to; i++) y[i] = exp(x[i]); }
            case LOG -> { for (int i = from; i < to; i++) y[i] = log(x[i]); }
            case SQRT -> { for (int i = from; i < to; i++) y[i] = sqrt(x[i]); }
            case SQUARE -> { for (int i = from; i < to; i++) y[i] = x[i] * x[i]; }
            case ABS -> { for (int i = from; i < to; i++) y[i] = Math.abs(x[i]); }
            case RECIPROCAL -> { for (int i = from; i < to; i++) y[i] = 1 / x[i]; }
            case RELU -> { for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0); }
            case LEAKY_RELU -> { for (int i = from; i < to; i++) y[i] = x[i] > 0 ? x[i] : a * x[i]; }
            case ELU -> { for (int i = from; i < to; i++) y[i] = x[i] > 0 ? x[i] : a * expm1(x[i]); }
            case SIGMOID -> GATES.sigmoid(x, from, y, from, to - from);
            case TANH -> GATES.tanh(x, from, y, from, to - from);
            case SOFTPLUS -> { for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0) + log1p(exp(-Math.abs(x[i]))); }
            case CLIP -> { for (int i = from; i < to; i++) y[i] = Math.min(Math.max(x[i], a), b); }
        }
    }

    static void unaryBackward(UnaryOp op, float a, float b, float[] x, float[] y, float[] g, float[] gx, int from, int to) {
        switch (op) {
            case AFFINE -> { for (int i = from; i < to; i++) gx[i] = g[i] * a; }
            case EXP -> { for (int i = from; i < to; i++) gx[i] = g[i] * y[i]; }
            case LOG -> { for (int i = from; i < to; i++) gx[i] = g[i] / x[i]; }
            case SQRT -> { for (int i = from; i < to; i++) gx[i] = g[i] / (2 * y[i]); }
            case SQUARE -> { for (int i = from; i < to; i++) gx[i] = g[i] * (2 * x[i]); }
            case ABS -> { for (int i = from; i < to; i++) gx[i] = x[i] > 0 ? g[i] : x[i] < 0 ? -g[i] : 0; }
            case RECIPROCAL -> { for (int i = from; i < to; i++) gx[i] = -g[i] * (y[i] * y[i]); }
            case RELU -> { for (int i = from; i < to; i++) gx[i] = orZero(x[i] > 0, g[i]); }
            case LEAKY_RELU -> { for (int i = from; i < to; i++) gx[i] = x[i] > 0 ? g[i] : g[i] * a; }
            case ELU -> { for (int i = from; i < to; i++) gx[i] = x[i] > 0 ? g[i] : g[i] * (y[i] + a); }
            case SIGMOID -> { for (int i = from; i < to; i++) gx[i] = g[i] * (y[i] * (1 - y[i])); }
            case TANH -> { for (int i = from; i < to; i++) gx[i] = g[i] * (1 - y[i] * y[i]); }
            case SOFTPLUS -> { for (int i = from; i < to; i++) gx[i] = g[i] * GateMath.sigmoid(x[i]); }
            case CLIP -> { for (int i = from; i < to; i++) gx[i] = a <= x[i] && x[i] <= b ? g[i] : 0; }
        }
    }

    /** v where keep, else +0, with no branch: a branch on an activation's sign mispredicts half the time. */
    private static float orZero(boolean keep, float v) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(v) & (keep ? -1 : 0));
    }

    /**
     * out[offset + i] = f(a[aStart + i * aStep], b[bStart + i * bStep]) for i in [0, length); a step of 0
     * repeats one element of an operand broadcast along this row.
     */
    static void binaryRow(BinaryOp op, float[] a, int aStart, int aStep, float[] b, int bStart, int bStep,
                          float[] out, int offset, int length) {
        if (aStep == 1 && bStep == 1) {
            binaryContiguous(op, a, aStart, b, bStart, out, offset, length);
            return;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i * aStep] + b[bStart + i * bStep]; }
            case SUB -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i * aStep] - b[bStart + i * bStep]; }
            case MUL -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i * aStep] * b[bStart + i * bStep]; }
            case DIV -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i * aStep] / b[bStart + i * bStep]; }
            case MAXIMUM -> { for (int i = 0; i < length; i++) out[offset + i] = Math.max(a[aStart + i * aStep], b[bStart + i * bStep]); }
            case MINIMUM -> { for (int i = 0; i < length; i++) out[offset + i] = Math.min(a[aStart + i * aStep], b[bStart + i * bStep]); }
            case EQUAL -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i * aStep] == b[bStart + i * bStep] ? 1 : 0; }
            case GREATER -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i * aStep] > b[bStart + i * bStep] ? 1 : 0; }
        }
    }

    private static void binaryContiguous(BinaryOp op, float[] a, int aStart, float[] b, int bStart,
                                         float[] out, int offset, int length) {
        switch (op) {
            case ADD -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i] + b[bStart + i]; }
            case SUB -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i] - b[bStart + i]; }
            case MUL -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i] * b[bStart + i]; }
            case DIV -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i] / b[bStart + i]; }
            case MAXIMUM -> { for (int i = 0; i < length; i++) out[offset + i] = Math.max(a[aStart + i], b[bStart + i]); }
            case MINIMUM -> { for (int i = 0; i < length; i++) out[offset + i] = Math.min(a[aStart + i], b[bStart + i]); }
            case EQUAL -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i] == b[bStart + i] ? 1 : 0; }
            case GREATER -> { for (int i = 0; i < length; i++) out[offset + i] = a[aStart + i] > b[bStart + i] ? 1 : 0; }
        }
    }

    static float exp(float x) {
        return (float) Math.exp(x);
    }

    /** out[to + j] = x[from + j * step] for j in [0, length): one row of a permutation. */
    static void stridedRow(float[] x, long from, long step, float[] out, int to, int length) {
        for (int j = 0; j < length; j++) {
            out[to + j] = x[(int) (from + j * step)];
        }
    }

    /** out[rows[i] * cols + c] += values[i * cols + c] for i in [0, rows.length) in increasing i, c in [from, to). */
    static void scatterAddColumns(int[] rows, int cols, float[] values, float[] out, int from, int to) {
        for (int i = 0; i < rows.length; i++) {
            int target = rows[i] * cols;
            int source = i * cols;
            for (int c = from; c < to; c++) {
                out[target + c] += values[source + c];
            }
        }
    }

    static float expm1(float x) {
        return (float) Math.expm1(x);
    }

    static float log(float x) {
        return (float) Math.log(x);
    }

    static float log1p(float x) {
        return (float) Math.log1p(x);
    }

    static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }
}
