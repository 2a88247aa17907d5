package dev.kiln.monitor;

import dev.kiln.KilnException;
import java.util.Arrays;

/**
 * A histogram as TensorBoard draws it: bucket {@code i} counts the values between {@code bucketLimits[i - 1]} and
 * {@code bucketLimits[i]}.
 *
 * @param min smallest value
 * @param max largest value
 * @param sum sum of the values
 * @param sumSquares sum of their squares
 * @param bucketLimits right edge of each bucket, increasing
 * @param counts values per bucket
 */
public record Histogram(double min, double max, double sum, double sumSquares, double[] bucketLimits,
                        double[] counts) {
    public Histogram {
        if (bucketLimits.length != counts.length || counts.length == 0) {
            throw new KilnException("a histogram needs as many bucket limits as counts, at least one, got "
                    + bucketLimits.length + " limits and " + counts.length + " counts");
        }
        for (int i = 1; i < bucketLimits.length; i++) {
            if (!(bucketLimits[i] > bucketLimits[i - 1])) {
                throw new KilnException("histogram bucket limits must increase, got " + Arrays.toString(bucketLimits));
            }
        }
        bucketLimits = bucketLimits.clone();
        counts = counts.clone();
    }

    /** A histogram from precomputed counts, as a device kernel returns them; sum and sum of squares unknown (0). */
    public static Histogram ofCounts(double min, double max, double[] bucketLimits, double[] counts) {
        return new Histogram(min, max, 0, 0, bucketLimits, counts);
    }

    /** The number of values counted. */
    public double count() {
        return Arrays.stream(counts).sum();
    }

    @Override
    public double[] bucketLimits() {
        return bucketLimits.clone();
    }

    @Override
    public double[] counts() {
        return counts.clone();
    }
}
