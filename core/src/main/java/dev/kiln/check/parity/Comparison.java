package dev.kiln.check.parity;

import dev.kiln.KilnException;

/**
 * Element-by-element agreement of a result with its reference. NaN equals NaN, an infinity equals only the
 * infinity of the same sign, and finite values follow {@link Tolerance}. The worst element is the failing one
 * with the largest absolute error, or the element with the largest absolute error when all pass.
 *
 * @param maxAbsolute largest |actual - expected| (infinite when NaN or infinity meets something else)
 * @param maxRelative largest |actual - expected| / max(|actual|, |expected|, absolute / relative margin) over
 *                    all elements: the floor keeps tiny references from inflating it exactly where the absolute
 *                    margin decides, so an element passes if and only if this is within the relative margin
 * @param worstIndex index of the worst element, or -1 for empty arrays
 * @param expected reference value at the worst index
 * @param actual compared value at the worst index
 * @param failures number of elements outside the tolerance
 * @param passed whether every element is within the tolerance
 */
public record Comparison(double maxAbsolute, double maxRelative, long worstIndex, double expected, double actual,
                         long failures, boolean passed) {

    /** Compares {@code actual} with {@code expected} under {@code tolerance}. */
    public static Comparison of(double[] expected, double[] actual, Tolerance tolerance) {
        if (expected.length != actual.length) {
            throw new KilnException("compared arrays differ in length: expected " + expected.length
                    + " elements, got " + actual.length);
        }
        double floor = tolerance.relative() > 0 ? tolerance.absolute() / tolerance.relative() : 0;
        double maxAbsolute = 0;
        double maxRelative = 0;
        int worst = -1;
        boolean worstFails = false;
        long failures = 0;
        for (int i = 0; i < expected.length; i++) {
            double absolute = absoluteError(expected[i], actual[i]);
            double relative = relativeError(expected[i], actual[i], absolute, floor);
            boolean fails = absolute > tolerance.absolute() && relative > tolerance.relative();
            maxAbsolute = Math.max(maxAbsolute, absolute);
            maxRelative = Math.max(maxRelative, relative);
            if (fails) {
                failures++;
            }
            boolean worse = worst < 0
                    || (fails && !worstFails)
                    || (fails == worstFails && absolute > absoluteError(expected[worst], actual[worst]));
            if (worse) {
                worst = i;
                worstFails = fails;
            }
        }
        return new Comparison(maxAbsolute, maxRelative, worst,
                worst < 0 ? 0 : expected[worst], worst < 0 ? 0 : actual[worst], failures, failures == 0);
    }

    private static double absoluteError(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return expected == actual ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(actual - expected);
    }

    private static double relativeError(double expected, double actual, double absolute, double floor) {
        if (absolute == 0 || Double.isInfinite(absolute)) {
            return absolute;
        }
        return absolute / Math.max(floor, Math.max(Math.abs(expected), Math.abs(actual)));
    }
}
