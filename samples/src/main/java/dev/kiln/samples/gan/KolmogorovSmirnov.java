package dev.kiln.samples.gan;

import dev.kiln.KilnException;
import java.util.Arrays;

/** The two-sample Kolmogorov-Smirnov statistic: how far apart two samples' distributions are, from 0 to 1. */
public final class KolmogorovSmirnov {
    private KolmogorovSmirnov() {
    }

    /**
     * D = sup_x |F_a(x) - F_b(x)| over the empirical CDFs of {@code a} and {@code b}, in O(n log n); tied values
     * step both CDFs at once.
     */
    public static double twoSample(double[] a, double[] b) {
        double[] x = sorted(a, "first");
        double[] y = sorted(b, "second");
        int i = 0;
        int j = 0;
        // |i/n - j/m| = |i m - j n| / (n m): integers keep identical samples at exactly 0 and disjoint ones at 1
        long largest = 0;
        while (i < x.length && j < y.length) {
            double next = Math.min(x[i], y[j]);
            while (i < x.length && x[i] <= next) {
                i++;
            }
            while (j < y.length && y[j] <= next) {
                j++;
            }
            largest = Math.max(largest, Math.abs((long) i * y.length - (long) j * x.length));
        }
        // past here one CDF is 1 and the other only climbs towards it, so the gap only shrinks
        return (double) largest / ((double) x.length * y.length);
    }

    private static double[] sorted(double[] sample, String which) {
        if (sample.length == 0) {
            throw new KilnException("the " + which + " sample is empty; the KS statistic needs at least one value"
                    + " in each");
        }
        for (int k = 0; k < sample.length; k++) {
            if (Double.isNaN(sample[k])) {
                throw new KilnException("value " + k + " of the " + which + " sample is NaN; expected numbers");
            }
        }
        double[] copy = sample.clone();
        Arrays.sort(copy);
        return copy;
    }
}
