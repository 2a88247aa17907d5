package dev.kiln.io;

import dev.kiln.KilnException;

/**
 * Input scaling a model was trained with, stored with it so new inputs are scaled the same way:
 * x' = (x - shift[c]) / scale[c] per input column.
 *
 * @param method how the statistics were fitted ("z_score", "min_max")
 * @param shift per-column value subtracted
 * @param scale per-column divisor
 */
public record Normalization(String method, double[] shift, double[] scale) {
    public Normalization {
        shift = shift.clone();
        scale = scale.clone();
        if (shift.length != scale.length) {
            throw new KilnException("normalization has " + shift.length + " shifts and " + scale.length + " scales,"
                    + " expected one of each per column");
        }
        for (int c = 0; c < scale.length; c++) {
            if (!Double.isFinite(shift[c]) || !(scale[c] > 0) || !Double.isFinite(scale[c])) {
                throw new KilnException("normalization column " + c + " has shift " + shift[c] + " and scale "
                        + scale[c] + ", expected a finite shift and a positive finite scale");
            }
        }
    }

    @Override
    public double[] shift() {
        return shift.clone();
    }

    @Override
    public double[] scale() {
        return scale.clone();
    }

    /** Scales each row in place: row[c] = (row[c] - shift[c]) / scale[c]. */
    public void apply(double[][] rows) {
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != shift.length) {
                throw new KilnException("row " + r + " has " + rows[r].length + " values, the normalization expects "
                        + shift.length);
            }
            for (int c = 0; c < shift.length; c++) {
                rows[r][c] = (rows[r][c] - shift[c]) / scale[c];
            }
        }
    }
}
