package dev.kiln.data.preprocess;

import dev.kiln.KilnException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-column feature scaling fitted on the training rows: {@code x' = (x - shift[c]) / scale[c]}. A value
 * object (method plus two arrays) so that a model can store it and scale new inputs exactly as in training.
 *
 * @param method how shift and scale were fitted
 * @param shift per-column value subtracted (mean or minimum)
 * @param scale per-column divisor (standard deviation or range; 1 for a constant column)
 */
public record Standardization(Method method, double[] shift, double[] scale) {

    /** How the statistics are fitted. */
    public enum Method {
        /** shift = mean, scale = population standard deviation: columns get mean 0 and variance 1. */
        Z_SCORE,
        /** shift = minimum, scale = maximum - minimum: columns land in [0, 1]. */
        MIN_MAX
    }

    public Standardization {
        shift = shift.clone();
        scale = scale.clone();
        if (shift.length != scale.length) {
            throw new KilnException("standardization has " + shift.length + " shifts and " + scale.length
                    + " scales, expected one of each per column");
        }
        for (int c = 0; c < scale.length; c++) {
            if (!(scale[c] > 0) || !Double.isFinite(scale[c]) || !Double.isFinite(shift[c])) {
                throw new KilnException("standardization column " + c + " has shift " + shift[c] + " and scale "
                        + scale[c] + ", expected a finite shift and a positive finite scale");
            }
        }
    }

    /** Statistics of the row-major {@code rows} with {@code columns} columns, by {@code method}. */
    public static Standardization fit(Method method, double[] rows, int columns) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            names.add("column " + c);
        }
        return fit(method, rows, names);
    }

    /**
     * Statistics of the row-major {@code rows}, one column per name, by {@code method}; a column whose values are
     * too large to scale in a double is named in the message ("t.csv: column 'price'").
     */
    public static Standardization fit(Method method, double[] rows, List<String> columnNames) {
        int columns = columnNames.size();
        int n = rowCount(rows, columns);
        if (n == 0) {
            throw new KilnException("cannot fit a standardization on 0 rows, expected at least one");
        }
        double[] shift = new double[columns];
        double[] scale = new double[columns];
        for (int c = 0; c < columns; c++) {
            if (method == Method.Z_SCORE) {
                double mean = 0;
                for (int r = 0; r < n; r++) {
                    mean += rows[r * columns + c];
                }
                mean /= n;
                double variance = 0;
                for (int r = 0; r < n; r++) {
                    double d = rows[r * columns + c] - mean;
                    variance += d * d;
                }
                shift[c] = mean;
                scale[c] = Math.sqrt(variance / n);
            } else {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < n; r++) {
                    min = Math.min(min, rows[r * columns + c]);
                    max = Math.max(max, rows[r * columns + c]);
                }
                shift[c] = min;
                scale[c] = max - min;
            }
            if (!Double.isFinite(shift[c]) || !Double.isFinite(scale[c])) {
                throw tooLarge(columnNames.get(c), method, rows, columns, c);
            }
            if (!(scale[c] > 0)) {
                scale[c] = 1;
            }
        }
        return new Standardization(method, shift, scale);
    }

    private static KilnException tooLarge(String name, Method method, double[] rows, int columns, int column) {
        double largest = 0;
        for (int i = column; i < rows.length; i += columns) {
            largest = Math.max(largest, Math.abs(rows[i]));
        }
        return new KilnException(name + ": values up to " + largest + " in magnitude are too large to standardise: "
                + (method == Method.Z_SCORE ? "their mean or standard deviation" : "their range")
                + " overflows a double; divide the column by a power of ten");
    }

    /** Number of columns. */
    public int columns() {
        return shift.length;
    }

    /** {@code rows} scaled, as a new array. */
    public double[] apply(double[] rows) {
        int n = rowCount(rows, columns());
        double[] out = new double[rows.length];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < shift.length; c++) {
                out[r * shift.length + c] = (rows[r * shift.length + c] - shift[c]) / scale[c];
            }
        }
        return out;
    }

    /** The inverse of {@link #apply}: {@code x = x' * scale[c] + shift[c]}, as a new array. */
    public double[] invert(double[] scaled) {
        int n = rowCount(scaled, columns());
        double[] out = new double[scaled.length];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < shift.length; c++) {
                out[r * shift.length + c] = scaled[r * shift.length + c] * scale[c] + shift[c];
            }
        }
        return out;
    }

    @Override
    public double[] shift() {
        return shift.clone();
    }

    @Override
    public double[] scale() {
        return scale.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardization other && method == other.method && Arrays.equals(shift, other.shift)
                && Arrays.equals(scale, other.scale);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * method.hashCode() + Arrays.hashCode(shift)) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return method + "(shift=" + Arrays.toString(shift) + ", scale=" + Arrays.toString(scale) + ")";
    }

    private static int rowCount(double[] rows, int columns) {
        if (columns <= 0 || rows.length % columns != 0) {
            throw new KilnException(rows.length + " values do not form rows of " + columns
                    + " columns, expected a multiple of the column count");
        }
        return rows.length / columns;
    }
}
