package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.model.Model;

/**
 * A model read back from a directory, built and holding its saved weights, with the input scaling it was trained
 * with. Closing it closes the model.
 */
public record LoadedModel(Model model, ModelDescription description) implements AutoCloseable {

    /** The input scaling to apply before {@code predict}, or null. */
    public Standardization normalization() {
        return description.normalization();
    }

    /** {@code rows} scaled as in training, as new rows (unchanged copies without a normalization). */
    public double[][] scale(double[][] rows) {
        Standardization normalization = description.normalization();
        if (normalization == null) {
            return rows.clone();
        }
        int width = normalization.columns();
        double[] flat = new double[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != width) {
                throw new KilnException("row " + r + " has " + rows[r].length + " values, the model's input scaling"
                        + " expects " + width);
            }
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        double[] scaled = normalization.apply(flat);
        double[][] out = new double[rows.length][width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(scaled, r * width, out[r], 0, width);
        }
        return out;
    }

    /** Scales {@code rows} as in training, then predicts one output row per input row (a one-input model). */
    public double[][] predict(double[][] rows) {
        return model.predict(scale(rows));
    }

    @Override
    public void close() {
        model.close();
    }
}
