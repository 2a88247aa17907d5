package dev.kiln.data.csv;

import java.util.List;

/**
 * Numeric features and one label per row, taken from a table.
 *
 * @param source the file the table came from, for messages
 * @param featureNames the feature columns, in order
 * @param labelName the label column
 * @param features row-major, {@code rows x featureNames.size()}
 * @param targets one per row: the class index for classification, the value for regression
 * @param classes the class names in index order; empty for regression
 */
public record LabelledData(String source, List<String> featureNames, String labelName, double[] features,
                           double[] targets, List<String> classes) {
    public LabelledData {
        featureNames = List.copyOf(featureNames);
        classes = List.copyOf(classes);
    }

    /** "t.csv: column 'price'", naming column {@code name} in messages. */
    public String column(String name) {
        return source + ": column '" + name + "'";
    }

    /** Number of rows. */
    public int rows() {
        return targets.length;
    }

    /** Number of feature columns. */
    public int featureCount() {
        return featureNames.size();
    }

    /** Whether the labels are classes rather than values. */
    public boolean isClassification() {
        return !classes.isEmpty();
    }

    /** The class index of each row; only for classification. */
    public int[] classIndices() {
        int[] out = new int[targets.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) targets[i];
        }
        return out;
    }
}
