package dev.kiln.samples.csv;

import dev.kiln.KilnException;

/**
 * How well predictions match targets.
 *
 * @param mse mean squared error, mean((p - y)^2)
 * @param r2 coefficient of determination, 1 - sum((p - y)^2) / sum((y - mean(y))^2); NaN when y is constant
 */
public record RegressionScores(double mse, double r2) {

    /** The scores of {@code predicted} against {@code actual}. */
    public static RegressionScores of(double[] predicted, double[] actual) {
        if (predicted.length != actual.length || actual.length == 0) {
            throw new KilnException(predicted.length + " predictions for " + actual.length
                    + " targets, expected the same positive number");
        }
        double mean = 0;
        for (double y : actual) {
            mean += y;
        }
        mean /= actual.length;
        double residual = 0;
        double total = 0;
        for (int i = 0; i < actual.length; i++) {
            residual += (predicted[i] - actual[i]) * (predicted[i] - actual[i]);
            total += (actual[i] - mean) * (actual[i] - mean);
        }
        return new RegressionScores(residual / actual.length, total > 0 ? 1 - residual / total : Double.NaN);
    }
}
