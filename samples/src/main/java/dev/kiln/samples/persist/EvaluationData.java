package dev.kiln.samples.persist;

import dev.kiln.KilnException;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.Dataset;
import dev.kiln.data.csv.CsvTable;
import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxReader;
import dev.kiln.io.Compilation;
import dev.kiln.io.LoadedModel;
import dev.kiln.loss.Loss;
import dev.kiln.samples.csv.CsvFile;
import dev.kiln.tensor.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Labelled samples for {@code kiln evaluate}, shaped for the model and its loss: CSV with the features in the
 * model's input order and a label column, or an IDX array of samples with an IDX array of labels.
 *
 * @param samples the inputs scaled by the model's normalization, with targets scaled as it was trained on
 * @param inputs the same scaled inputs, one row per sample
 * @param targets each sample's label in its own units (a class index for classifiers)
 */
record EvaluationData(Dataset samples, double[][] inputs, double[] targets) {

    /**
     * The samples of {@code data} (labels from {@code labelColumn}, or the last column, of a CSV file whose fields
     * are split at {@code delimiter}; from {@code labels} for an IDX file), scaled by the model's normalization,
     * targets by its target scaling.
     */
    static EvaluationData read(Path data, Path labels, String labelColumn, char delimiter, LoadedModel loaded,
                               Loss loss) {
        double[][] rows;
        double[] targets;
        if (ModelInputs.isIdx(data)) {
            if (labels == null) {
                throw new KilnException(data.getFileName() + " is an IDX file: give its labels with --labels FILE");
            }
            rows = ModelInputs.read(data, loaded.model().inputShape(), delimiter);
            IdxArray array = IdxReader.read(labels);
            targets = new double[array.header().elementCount()];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = array.get(i);
            }
        } else {
            CsvTable table = CsvFile.read(data, delimiter);
            int labelIndex = table.columnIndex(labelColumn != null ? labelColumn
                    : table.header().get(table.header().size() - 1));
            rows = ModelInputs.csv(table.without(labelIndex), loaded.model().inputShape());
            targets = new double[rows.length];
            for (int r = 0; r < rows.length; r++) {
                targets[r] = label(table, r, labelIndex, loaded);
            }
        }
        if (targets.length != rows.length) {
            throw new KilnException(data.getFileName() + " holds " + rows.length + " samples but there are "
                    + targets.length + " labels");
        }
        rows = loaded.scale(rows);
        int outputs = Math.toIntExact(loaded.model().outputShape().size());
        Shape inputShape = loaded.model().inputShape();
        Path labelFile = ModelInputs.isIdx(data) ? labels : data;
        if (loss.takesClassIndices()) {
            ArrayDataset classes = ArrayDataset.builder().features(null, flat(rows), inputShape)
                    .labels(classes(targets, outputs, labelFile)).build();
            return new EvaluationData(classes, rows, targets);
        }
        double[] y = new double[rows.length * outputs];
        if (outputs == 1) {
            Compilation compilation = loaded.description().compilation();
            y = compilation == null || compilation.target() == null ? targets.clone()
                    : compilation.target().apply(targets);
        } else {
            int[] classes = classes(targets, outputs, labelFile);
            for (int r = 0; r < rows.length; r++) {
                y[r * outputs + classes[r]] = 1;
            }
        }
        return new EvaluationData(ArrayDataset.of(flat(rows), inputShape, y, Shape.of(outputs)), rows, targets);
    }

    /** The rows one after another, for samples of the model's input shape (an image's rows, say). */
    private static double[] flat(double[][] rows) {
        return Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
    }

    /**
     * A label cell: the index of a class name when the model records class names (a number matching the name of
     * the same value: "1" is class "1.0"), else a number.
     */
    private static double label(CsvTable table, int row, int column, LoadedModel loaded) {
        Compilation compilation = loaded.description().compilation();
        if (compilation == null || compilation.classes().isEmpty()) {
            return table.number(row, column);
        }
        List<String> classes = compilation.classes();
        String name = table.text(row, column);
        int index = classes.indexOf(name);
        for (int c = 0; index < 0 && table.isNumber(row, column) && c < classes.size(); c++) {
            if (sameNumber(classes.get(c), table.number(row, column))) {
                index = c;
            }
        }
        if (index < 0) {
            throw new KilnException(table.where(row, column) + "'" + name + "' is not one of the model's classes "
                    + classes);
        }
        return index;
    }

    private static boolean sameNumber(String text, double value) {
        try {
            return Double.parseDouble(text) == value;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The class index of each target; one that is none fails naming {@code labelFile} and the label. */
    private static int[] classes(double[] targets, int outputs, Path labelFile) {
        int[] classes = new int[targets.length];
        for (int i = 0; i < targets.length; i++) {
            double t = targets[i];
            if (t != Math.rint(t) || t < 0 || t >= outputs) {
                throw new KilnException(labelFile.getFileName() + ": label " + (i + 1) + " is "
                        + (t == Math.rint(t) ? Long.toString((long) t) : Double.toString(t))
                        + ", expected a class index from 0 to " + (outputs - 1) + " for a model with " + outputs
                        + " outputs");
            }
            classes[i] = (int) t;
        }
        return classes;
    }
}
