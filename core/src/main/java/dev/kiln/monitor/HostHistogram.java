package dev.kiln.monitor;

import dev.kiln.KilnException;
import dev.kiln.tensor.Tensor;

/** Reads a tensor back to the host and counts its values in equal-width buckets between its min and max. */
public final class HostHistogram implements HistogramSource {
    private final int buckets;

    /** @param buckets the number of equal-width buckets (TensorBoard's own default is 30) */
    public HostHistogram(int buckets) {
        if (buckets < 1) {
            throw new KilnException("a histogram needs at least one bucket, got " + buckets);
        }
        this.buckets = buckets;
    }

    @Override
    public Histogram of(Tensor values) {
        return of(values.toDoubleArray());
    }

    /** The histogram of {@code values}; NaN and infinite values are skipped. */
    public Histogram of(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sumSquares = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                sumSquares += v * v;
            }
        }
        if (min > max) {
            return new Histogram(0, 0, 0, 0, new double[] {0}, new double[] {0});
        }
        // equal values still need an increasing edge to give their single bucket a width
        int n = min == max ? 1 : buckets;
        double width = min == max ? 1 : (max - min) / n;
        double[] limits = new double[n];
        for (int i = 0; i < n; i++) {
            limits[i] = min + (i + 1) * width;
        }
        limits[n - 1] = Math.max(max, limits[n - 1]);
        double[] counts = new double[n];
        for (double v : values) {
            if (Double.isFinite(v)) {
                counts[Math.min(n - 1, (int) ((v - min) / width))]++;
            }
        }
        return new Histogram(min, max, sum, sumSquares, limits, counts);
    }
}
