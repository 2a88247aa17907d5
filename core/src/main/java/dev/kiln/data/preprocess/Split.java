package dev.kiln.data.preprocess;

import dev.kiln.KilnException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Row indices of a seeded random train / validation / test split. The same (rows, fractions, seed) always
 * gives the same split.
 *
 * @param train training rows
 * @param validation validation rows
 * @param test test rows
 */
public record Split(int[] train, int[] validation, int[] test) {

    /** Shuffles {@code rows} indices with {@code seed} and cuts off the test and validation fractions. */
    public static Split shuffled(int rows, double validationFraction, double testFraction, long seed) {
        checkFractions(validationFraction, testFraction);
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int testRows = (int) Math.round(rows * testFraction);
        int validationRows = (int) Math.round(rows * validationFraction);
        int trainRows = rows - testRows - validationRows;
        if (trainRows <= 0 || (testFraction > 0 && testRows == 0) || (validationFraction > 0 && validationRows == 0)) {
            throw new KilnException(rows + " rows are too few for validation fraction " + validationFraction
                    + " and test fraction " + testFraction + ", expected at least one row in each part");
        }
        return new Split(Arrays.copyOfRange(order, 0, trainRows),
                Arrays.copyOfRange(order, trainRows, trainRows + validationRows),
                Arrays.copyOfRange(order, trainRows + validationRows, rows));
    }

    /** Fails unless both fractions lie in [0, 1) and leave training rows: the check {@link #shuffled} makes. */
    public static void checkFractions(double validationFraction, double testFraction) {
        checkFraction("validation", validationFraction);
        checkFraction("test", testFraction);
        if (validationFraction + testFraction >= 1) {
            throw new KilnException("validation fraction " + validationFraction + " plus test fraction "
                    + testFraction + " leave no training rows, expected a sum below 1");
        }
    }

    /** The rows {@code indices} of the row-major {@code values} with {@code columns} columns, as a new array. */
    public static double[] take(double[] values, int columns, int[] indices) {
        if (columns <= 0 || values.length % columns != 0) {
            throw new KilnException(values.length + " values do not form rows of " + columns + " columns");
        }
        int rows = values.length / columns;
        double[] out = new double[indices.length * columns];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= rows) {
                throw new KilnException("row " + indices[i] + " is outside the " + rows + " rows");
            }
            System.arraycopy(values, indices[i] * columns, out, i * columns, columns);
        }
        return out;
    }

    @Override
    public int[] train() {
        return train.clone();
    }

    @Override
    public int[] validation() {
        return validation.clone();
    }

    @Override
    public int[] test() {
        return test.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Split other && Arrays.equals(train, other.train)
                && Arrays.equals(validation, other.validation) && Arrays.equals(test, other.test);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(train) + Arrays.hashCode(validation)) + Arrays.hashCode(test);
    }

    @Override
    public String toString() {
        return "Split(train=" + train.length + ", validation=" + validation.length + ", test=" + test.length + ")";
    }

    private static void checkFraction(String name, double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new KilnException(name + " fraction " + fraction + " is outside [0, 1)");
        }
    }
}
