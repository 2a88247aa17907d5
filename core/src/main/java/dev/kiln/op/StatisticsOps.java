package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.HistogramScale;
import dev.kiln.backend.ReduceOp;
import dev.kiln.tensor.Tensor;

/** Summaries of a tensor computed on its device, only a few numbers coming back to the host; not differentiable. */
public final class StatisticsOps {
    private StatisticsOps() {
    }

    /**
     * Histogram of every element of x in {@code bins} equal-width bins over [min(x), max(x)], the range found by
     * {@link ReduceOp#MIN} and {@link ReduceOp#MAX} and the counts by {@link Backend#histogram}; when all elements
     * are equal (or the range is too narrow for the dtype) the range is [v - 0.5, v + 0.5] around v = min(x).
     * Three transfers come back: the minimum, the maximum and the counts. x is not empty and holds no NaN or
     * infinity.
     */
    public static Histogram histogram(Tensor x, int bins) {
        if (x.size() == 0) {
            throw new KilnException("histogram: x of shape " + x.shape() + " is empty");
        }
        if (bins < 1) {
            throw new KilnException("histogram: expected bins >= 1, got " + bins);
        }
        Backend backend = x.backend();
        int n = Math.toIntExact(x.size());
        double min = reduceAll(backend, ReduceOp.MIN, x.buffer(), n);
        double max = reduceAll(backend, ReduceOp.MAX, x.buffer(), n);
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new KilnException("histogram: x of shape " + x.shape() + " holds non-finite values (min " + min
                    + ", max " + max + "); its range has no finite bins");
        }
        double low = min;
        double high = max;
        if (!(low < high) || !Double.isFinite(HistogramScale.of(x.dtype(), low, high, bins))) {
            low = min - 0.5;
            high = min + 0.5;
        }
        Buffer counts = backend.allocate(DType.I32, bins);
        try {
            backend.histogram(x.buffer(), low, high, bins, counts);
            int[] host = new int[bins];
            backend.download(counts, host);
            return new Histogram(low, high, host);
        } finally {
            backend.free(counts);
        }
    }

    /** op over all {@code n} elements of x, downloaded as a double. */
    private static double reduceAll(Backend backend, ReduceOp op, Buffer x, int n) {
        Buffer out = backend.allocate(x.dtype(), 1);
        try {
            backend.reduce(op, 1, n, 1, x, out);
            if (x.dtype() == DType.F32) {
                float[] value = new float[1];
                backend.download(out, value);
                return value[0];
            }
            double[] value = new double[1];
            backend.download(out, value);
            return value[0];
        } finally {
            backend.free(out);
        }
    }
}
