package dev.kiln.samples.csv;

import dev.kiln.data.ArrayDataset;
import dev.kiln.data.csv.LabelledData;
import dev.kiln.data.preprocess.Labels;
import dev.kiln.data.preprocess.Split;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.data.preprocess.Standardization.Method;
import dev.kiln.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A table split into training, validation and test rows, with features z-scored by statistics of the training
 * rows only; for regression the target is z-scored the same way (and scored back in its own units).
 *
 * @param task classification or regression
 * @param train training rows, ready for a model
 * @param validation validation rows (early stopping)
 * @param test test rows
 * @param testFeatures the test rows' scaled features, one array per row (for predictions)
 * @param testTargets the test rows' targets in the file's units (class indices for classification)
 * @param features the feature scaling, to store with the model
 * @param target the target scaling for regression, null for classification
 * @param classes class names in index order; empty for regression
 * @param warnings what makes the label unfit to learn from (a single class, a constant target), if anything
 */
public record PreparedTable(CsvTask task, ArrayDataset train, ArrayDataset validation, ArrayDataset test,
                            double[][] testFeatures, double[] testTargets, Standardization features,
                            Standardization target,
                            List<String> classes, List<String> warnings) {

    /** Splits {@code data} with {@code seed} and scales it; {@code task} must match how it was converted. */
    public static PreparedTable of(LabelledData data, CsvTask task, double validationFraction, double testFraction,
                                   long seed) {
        Split split = Split.shuffled(data.rows(), validationFraction, testFraction, seed);
        int columns = data.featureCount();
        double[] trainFeatures = Split.take(data.features(), columns, split.train());
        Standardization features = Standardization.fit(Method.Z_SCORE, trainFeatures,
                data.featureNames().stream().map(data::column).toList());
        Standardization target = task == CsvTask.REGRESS ? Standardization.fit(Method.Z_SCORE,
                Split.take(data.targets(), 1, split.train()), List.of(data.column(data.labelName()))) : null;
        Parts parts = new Parts(data, task, features, target);
        double[] test = features.apply(Split.take(data.features(), columns, split.test()));
        double[][] testRows = new double[split.test().length][];
        for (int r = 0; r < testRows.length; r++) {
            testRows[r] = Arrays.copyOfRange(test, r * columns, (r + 1) * columns);
        }
        return new PreparedTable(task, parts.rows(split.train()), parts.rows(split.validation()),
                parts.rows(split.test()), testRows, Split.take(data.targets(), 1, split.test()), features, target,
                data.classes(), LabelChecks.warnings(data));
    }

    /** Builds the model-ready data set of chosen rows. */
    private record Parts(LabelledData data, CsvTask task, Standardization features, Standardization target) {
        ArrayDataset rows(int[] indices) {
            int columns = data.featureCount();
            float[] x = toFloats(features.apply(Split.take(data.features(), columns, indices)));
            double[] targets = Split.take(data.targets(), 1, indices);
            if (task == CsvTask.CLASSIFY) {
                int[] classes = new int[targets.length];
                for (int i = 0; i < classes.length; i++) {
                    classes[i] = (int) targets[i];
                }
                int count = data.classes().size();
                return ArrayDataset.of(x, Shape.of(columns), Labels.oneHot(classes, count), Shape.of(count));
            }
            return ArrayDataset.of(x, Shape.of(columns), toFloats(target.apply(targets)), Shape.of(1));
        }

        private static float[] toFloats(double[] values) {
            float[] out = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = (float) values[i];
            }
            return out;
        }
    }
}
