package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link Dataset} over flat row-major arrays in memory (float or double, and int for class-index labels); the
 * arrays are not copied. It holds one or more feature arrays (one per model input) and one or more label arrays (one
 * per model output), named or matched by position; {@link #builder()} makes the several-array kind. Labels given as
 * {@code int[]} are class indices: they stay ints and batches upload them as I32 tensors.
 */
public final class ArrayDataset implements Dataset {
    private final int size;
    private final List<Column> features;
    private final List<Column> labels;

    /** One array of samples: its name (or null), per-sample shape and values in float, double or int (class indices). */
    private record Column(String name, Shape shape, int width, float[] f32, double[] f64, int[] i32) {
        static Column of(String name, Shape shape, float[] f32, double[] f64, String role) {
            return of(name, shape, f32, f64, null, role);
        }

        static Column of(String name, Shape shape, float[] f32, double[] f64, int[] i32, String role) {
            long width = shape.size();
            int length = f32 != null ? f32.length : f64 != null ? f64.length : i32.length;
            if (width == 0 || length % width != 0) {
                throw new KilnException(length + " " + role + " values" + (name == null ? "" : " of '" + name + "'")
                        + " do not divide into samples of shape " + shape);
            }
            return new Column(name, shape, Math.toIntExact(width), f32, f64, i32);
        }

        int samples() {
            return (f32 != null ? f32.length : f64 != null ? f64.length : i32.length) / width;
        }

        void copy(int sample, float[] target, int row) {
            if (f32 != null) {
                System.arraycopy(f32, sample * width, target, row * width, width);
            } else if (i32 != null) {
                for (int k = 0; k < width; k++) {
                    target[row * width + k] = i32[sample * width + k];
                }
            } else {
                for (int k = 0; k < width; k++) {
                    target[row * width + k] = (float) f64[sample * width + k];
                }
            }
        }

        void copy(int sample, double[] target, int row) {
            if (f64 != null) {
                System.arraycopy(f64, sample * width, target, row * width, width);
            } else if (i32 != null) {
                for (int k = 0; k < width; k++) {
                    target[row * width + k] = i32[sample * width + k];
                }
            } else {
                for (int k = 0; k < width; k++) {
                    target[row * width + k] = f32[sample * width + k];
                }
            }
        }

        String label(String role, int index) {
            return name == null ? role + " array " + index : role + " array '" + name + "'";
        }
    }

    private ArrayDataset(List<Column> features, List<Column> labels) {
        this.features = List.copyOf(features);
        this.labels = List.copyOf(labels);
        checkNames(this.features, "feature");
        checkNames(this.labels, "label");
        int n = this.features.get(0).samples();
        for (List<Column> side : List.of(this.features, this.labels)) {
            String role = side == this.features ? "feature" : "label";
            for (int i = 0; i < side.size(); i++) {
                Column c = side.get(i);
                if (c.samples() != n) {
                    throw new KilnException(c.label(role, i) + " has " + c.samples() + " samples but "
                            + this.features.get(0).label("feature", 0) + " has " + n
                            + ": every feature and label array needs the same number of samples");
                }
            }
        }
        this.size = n;
    }

    private static void checkNames(List<Column> columns, String role) {
        if (columns.isEmpty()) {
            throw new KilnException("a data set needs at least one " + role + " array");
        }
        long named = columns.stream().filter(c -> c.name() != null).count();
        if (named != 0 && named != columns.size()) {
            throw new KilnException("name every " + role + " array or none: " + named + " of " + columns.size()
                    + " are named");
        }
        Set<String> names = new HashSet<>();
        for (Column c : columns) {
            if (c.name() != null && !names.add(c.name())) {
                throw new KilnException("two " + role + " arrays are named '" + c.name() + "'");
            }
        }
    }

    /** Samples whose features have shape {@code featureShape} and labels {@code labelShape}, stored flat. */
    public static ArrayDataset of(double[] features, Shape featureShape, double[] labels, Shape labelShape) {
        return new ArrayDataset(List.of(Column.of(null, featureShape, null, features, "feature")),
                List.of(Column.of(null, labelShape, null, labels, "label")));
    }

    /** Samples whose features have shape {@code featureShape} and labels {@code labelShape}, stored flat. */
    public static ArrayDataset of(float[] features, Shape featureShape, float[] labels, Shape labelShape) {
        return new ArrayDataset(List.of(Column.of(null, featureShape, features, null, "feature")),
                List.of(Column.of(null, labelShape, labels, null, "label")));
    }

    /** One sample per row of x and of y. */
    public static ArrayDataset of(double[][] x, double[][] y) {
        checkRows(x.length, y.length);
        return builder().features(x).labels(y).build();
    }

    /** One sample per row of x and of y. */
    public static ArrayDataset of(float[][] x, float[][] y) {
        checkRows(x.length, y.length);
        return builder().features(x).labels(y).build();
    }

    /** One sample per row of x, labelled by a class index (label shape {@code []}, for sparse losses). */
    public static ArrayDataset of(double[][] x, int[] classes) {
        checkRows(x.length, classes.length);
        return builder().features(x).labels(classes).build();
    }

    /** A builder for a data set of several feature or label arrays, named or in the model's order. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Shape featureShape() {
        return single(features, "feature").shape();
    }

    @Override
    public Shape labelShape() {
        return single(labels, "label").shape();
    }

    @Override
    public List<Shape> featureShapes() {
        return features.stream().map(Column::shape).toList();
    }

    @Override
    public List<Shape> labelShapes() {
        return labels.stream().map(Column::shape).toList();
    }

    @Override
    public List<String> featureNames() {
        return names(features);
    }

    @Override
    public List<String> labelNames() {
        return names(labels);
    }

    /** Whether label array {@code labelArray} was given as {@code int[]} class indices. */
    @Override
    public boolean holdsClassIndices(int labelArray) {
        return labels.get(labelArray).i32() != null;
    }

    @Override
    public void gather(int[] indices, int from, int count, float[] features, float[] labels) {
        gather(indices, from, count, new float[][] {features}, new float[][] {labels});
    }

    @Override
    public void gather(int[] indices, int from, int count, double[] features, double[] labels) {
        gather(indices, from, count, new double[][] {features}, new double[][] {labels});
    }

    @Override
    public void gather(int[] indices, int from, int count, float[][] featureArrays, float[][] labelArrays) {
        checkArrays(featureArrays.length, labelArrays.length);
        for (int i = 0; i < count; i++) {
            int sample = checkIndex(indices[from + i]);
            for (int c = 0; c < featureArrays.length; c++) {
                features.get(c).copy(sample, featureArrays[c], i);
            }
            for (int c = 0; c < labelArrays.length; c++) {
                labels.get(c).copy(sample, labelArrays[c], i);
            }
        }
    }

    @Override
    public void gather(int[] indices, int from, int count, double[][] featureArrays, double[][] labelArrays) {
        checkArrays(featureArrays.length, labelArrays.length);
        for (int i = 0; i < count; i++) {
            int sample = checkIndex(indices[from + i]);
            for (int c = 0; c < featureArrays.length; c++) {
                features.get(c).copy(sample, featureArrays[c], i);
            }
            for (int c = 0; c < labelArrays.length; c++) {
                labels.get(c).copy(sample, labelArrays[c], i);
            }
        }
    }

    private void checkArrays(int featureCount, int labelCount) {
        if (featureCount != features.size() || labelCount != labels.size()) {
            throw new KilnException("the data set has " + features.size() + " feature and " + labels.size()
                    + " label arrays; asked for " + featureCount + " and " + labelCount);
        }
    }

    private static List<String> names(List<Column> columns) {
        return columns.get(0).name() == null ? List.of() : columns.stream().map(Column::name).toList();
    }

    private static Column single(List<Column> columns, String role) {
        if (columns.size() != 1) {
            throw new KilnException("the data set has " + columns.size() + " " + role + " arrays "
                    + (columns.get(0).name() == null ? "" : names(columns) + " ") + "and no single " + role
                    + " shape; use " + role + "Shapes()");
        }
        return columns.get(0);
    }

    private int checkIndex(int sample) {
        if (sample < 0 || sample >= size) {
            throw new KilnException("sample index " + sample + " is outside the data set of " + size + " samples");
        }
        return sample;
    }

    private static void checkRows(int xRows, int yRows) {
        if (xRows != yRows) {
            throw new KilnException("x has " + xRows + " samples but y has " + yRows
                    + ": features and labels need the same number of rows");
        }
    }

    /**
     * Builds an {@link ArrayDataset} of one or more feature and label arrays. Name every array after the model input
     * or output it belongs to, or none of them (they are then matched by position); rows are copied into flat
     * arrays, flat arrays are used as they are.
     */
    public static final class Builder {
        private final List<Column> features = new ArrayList<>();
        private final List<Column> labels = new ArrayList<>();

        private Builder() {
        }

        /** The next feature array, one sample per row, matched to an input by position. */
        public Builder features(double[][] rows) {
            return features(null, rows);
        }

        /** The feature array of input {@code name}, one sample per row. */
        public Builder features(String name, double[][] rows) {
            features.add(rows(name, rows, "feature"));
            return this;
        }

        /** The next feature array, one sample per row, matched to an input by position. */
        public Builder features(float[][] rows) {
            return features(null, rows);
        }

        /** The feature array of input {@code name}, one sample per row. */
        public Builder features(String name, float[][] rows) {
            features.add(rows(name, rows, "feature"));
            return this;
        }

        /** The feature array of input {@code name} (null: by position), flat, samples of shape {@code shape}. */
        public Builder features(String name, double[] flat, Shape shape) {
            features.add(Column.of(name, shape, null, flat, "feature"));
            return this;
        }

        /** The feature array of input {@code name} (null: by position), flat, samples of shape {@code shape}. */
        public Builder features(String name, float[] flat, Shape shape) {
            features.add(Column.of(name, shape, flat, null, "feature"));
            return this;
        }

        /** The next label array, one sample per row, matched to an output by position. */
        public Builder labels(double[][] rows) {
            return labels(null, rows);
        }

        /** The label array of output {@code name}, one sample per row. */
        public Builder labels(String name, double[][] rows) {
            labels.add(rows(name, rows, "label"));
            return this;
        }

        /** The next label array, one sample per row, matched to an output by position. */
        public Builder labels(float[][] rows) {
            return labels(null, rows);
        }

        /** The label array of output {@code name}, one sample per row. */
        public Builder labels(String name, float[][] rows) {
            labels.add(rows(name, rows, "label"));
            return this;
        }

        /** The next label array, a class index per sample (shape {@code []}), matched to an output by position. */
        public Builder labels(int[] classes) {
            return labels(null, classes);
        }

        /** The label array of output {@code name}, a class index per sample (shape {@code []}, for sparse losses). */
        public Builder labels(String name, int[] classes) {
            labels.add(Column.of(name, Shape.of(), null, null, classes, "label"));
            return this;
        }

        /** The label array of output {@code name} (null: by position): class indices, samples of shape {@code shape} ([steps]). */
        public Builder labels(String name, int[] flat, Shape shape) {
            labels.add(Column.of(name, shape, null, null, flat, "label"));
            return this;
        }

        /** The label array of output {@code name} (null: by position), flat, samples of shape {@code shape}. */
        public Builder labels(String name, double[] flat, Shape shape) {
            labels.add(Column.of(name, shape, null, flat, "label"));
            return this;
        }

        /** The label array of output {@code name} (null: by position), flat, samples of shape {@code shape}. */
        public Builder labels(String name, float[] flat, Shape shape) {
            labels.add(Column.of(name, shape, flat, null, "label"));
            return this;
        }

        /** The data set; fails when arrays differ in sample count, or only some are named. */
        public ArrayDataset build() {
            return new ArrayDataset(features, labels);
        }

        private static String what(String role, String name) {
            return name == null ? (role.equals("feature") ? "x" : "y") : role + " array '" + name + "'";
        }

        private static Column rows(String name, double[][] rows, String role) {
            int cols = width(rows.length, rows.length == 0 ? 0 : rows[0].length, role, name);
            double[] flat = new double[rows.length * cols];
            for (int r = 0; r < rows.length; r++) {
                checkWidth(rows[r].length, cols, r, what(role, name));
                System.arraycopy(rows[r], 0, flat, r * cols, cols);
            }
            return Column.of(name, Shape.of(cols), null, flat, role);
        }

        private static Column rows(String name, float[][] rows, String role) {
            int cols = width(rows.length, rows.length == 0 ? 0 : rows[0].length, role, name);
            float[] flat = new float[rows.length * cols];
            for (int r = 0; r < rows.length; r++) {
                checkWidth(rows[r].length, cols, r, what(role, name));
                System.arraycopy(rows[r], 0, flat, r * cols, cols);
            }
            return Column.of(name, Shape.of(cols), flat, null, role);
        }

        private static int width(int rows, int cols, String role, String name) {
            if (rows == 0) {
                throw new KilnException(what(role, name) + " has no samples");
            }
            return cols;
        }

        private static void checkWidth(int actual, int expected, int row, String what) {
            if (actual != expected) {
                throw new KilnException(what + " row " + row + " has " + actual + " values, expected " + expected
                        + " like row 0");
            }
        }
    }
}
