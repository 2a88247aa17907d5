package dev.kiln.check.parity;

import java.util.SplittableRandom;

/** Draws the host values of one op input. */
@FunctionalInterface
public interface Sampler {
    /** {@code length} values drawn from {@code random}. */
    double[] sample(SplittableRandom random, int length);

    /** Every value equal to {@code value} (NaN included, to check that an ignored output stays ignored). */
    static Sampler constant(double value) {
        return (random, length) -> {
            double[] values = new double[length];
            java.util.Arrays.fill(values, value);
            return values;
        };
    }

    /** Rows of {@code cols} positive values that each sum to 1 (a probability distribution per row). */
    static Sampler probabilityRows(int cols) {
        return (random, length) -> {
            double[] values = InputRange.uniform(0.05, 1).sample(random, length);
            for (int row = 0; row < length / cols; row++) {
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += values[row * cols + c];
                }
                for (int c = 0; c < cols; c++) {
                    values[row * cols + c] /= sum;
                }
            }
            return values;
        };
    }

    /** Rows of {@code cols} values, one of them 1 and the others 0 (hard class targets). */
    static Sampler oneHotRows(int cols) {
        return (random, length) -> {
            double[] values = new double[length];
            for (int row = 0; row < length / cols; row++) {
                values[row * cols + random.nextInt(cols)] = 1;
            }
            return values;
        };
    }
}
