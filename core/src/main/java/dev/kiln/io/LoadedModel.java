package dev.kiln.io;

import dev.kiln.model.Sequential;

/**
 * A model read back from a directory, built and holding its saved weights, with the input normalization it
 * was trained with (null when none). Closing it closes the model.
 */
public record LoadedModel(Sequential model, ModelDescription description) implements AutoCloseable {

    /** The input scaling to apply before {@code predict}, or null. */
    public Normalization normalization() {
        return description.normalization();
    }

    /** Scales {@code rows} as in training (when the model has a normalization), then predicts. */
    public double[][] predict(double[][] rows) {
        if (description.normalization() != null) {
            double[][] scaled = new double[rows.length][];
            for (int r = 0; r < rows.length; r++) {
                scaled[r] = rows[r].clone();
            }
            description.normalization().apply(scaled);
            return model.predict(scaled);
        }
        return model.predict(rows);
    }

    @Override
    public void close() {
        model.close();
    }
}
