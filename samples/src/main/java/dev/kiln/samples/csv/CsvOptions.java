package dev.kiln.samples.csv;

import dev.kiln.KilnException;
import dev.kiln.data.preprocess.Split;
import java.nio.file.Path;
import java.util.List;

/**
 * What the csv sample trains on and how.
 *
 * @param file the CSV file, with a header row
 * @param label the label column, by name or 0-based index
 * @param task classification or regression
 * @param hidden units of each hidden layer (relu)
 * @param testFraction fraction of the rows held out for the final test
 * @param validationFraction fraction of the rows used for early stopping
 * @param patience epochs without a better validation loss before training stops
 * @param delimiter the character between the fields of a row
 */
public record CsvOptions(Path file, String label, CsvTask task, List<Integer> hidden, double testFraction,
                         double validationFraction, int patience, char delimiter) {
    /** Hidden layers when none are given. */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(64, 32);

    public CsvOptions {
        if (file == null || label == null || label.isBlank()) {
            throw new KilnException("the csv sample needs --file F and --label COLUMN");
        }
        hidden = List.copyOf(hidden);
        if (hidden.stream().anyMatch(units -> units < 1)) {
            throw new KilnException("hidden layer sizes must be at least 1, got " + hidden);
        }
        Split.checkFractions(validationFraction, testFraction);
        if (patience < 0) {
            throw new KilnException("patience must be at least 0, got " + patience);
        }
    }
}
