package dev.kiln.check.parity;

import java.util.SplittableRandom;

/**
 * Uniform values in [low, high) kept at least {@code margin} away from each kink or pole (where a derivative
 * jumps or a function blows up, so that a rounding difference cannot change the branch taken), optionally
 * rounded to integers.
 *
 * @param low smallest value
 * @param high largest value (exclusive)
 * @param kinks points to stay away from
 * @param margin distance kept from each kink
 * @param integers whether values are rounded to integers (for comparisons, ties and class indices)
 */
public record InputRange(double low, double high, double[] kinks, double margin, boolean integers) implements Sampler {

    public InputRange {
        if (!(low < high)) {
            throw new IllegalArgumentException("an input range needs low < high: " + low + ", " + high);
        }
        kinks = kinks.clone();
    }

    /** Uniform in [low, high). */
    public static InputRange uniform(double low, double high) {
        return new InputRange(low, high, new double[0], 0, false);
    }

    /** Uniform in [low, high) with every value at least {@code margin} away from each of {@code kinks}. */
    public static InputRange avoiding(double low, double high, double margin, double... kinks) {
        return new InputRange(low, high, kinks, margin, false);
    }

    /** Integers drawn uniformly from [low, high] (both included). */
    public static InputRange integers(int low, int high) {
        return new InputRange(low, high + 1, new double[0], 0, true);
    }

    @Override
    public double[] sample(SplittableRandom random, int length) {
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = draw(random);
        }
        return values;
    }

    private double draw(SplittableRandom random) {
        while (true) {
            double value = low + (high - low) * random.nextDouble();
            if (integers) {
                return Math.floor(value);
            }
            if (farFromKinks(value)) {
                return value;
            }
        }
    }

    private boolean farFromKinks(double value) {
        for (double kink : kinks) {
            if (Math.abs(value - kink) < margin) {
                return false;
            }
        }
        return true;
    }
}
