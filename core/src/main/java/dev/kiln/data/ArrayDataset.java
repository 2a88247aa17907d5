package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.tensor.Shape;

/** A {@link Dataset} over flat row-major arrays in memory (float or double); the arrays are not copied. */
public final class ArrayDataset implements Dataset {
    private final int size;
    private final Shape featureShape;
    private final Shape labelShape;
    private final int featureSize;
    private final int labelSize;
    private final float[] featuresF32;
    private final float[] labelsF32;
    private final double[] featuresF64;
    private final double[] labelsF64;

    private ArrayDataset(Shape featureShape, Shape labelShape, int size,
                         float[] featuresF32, float[] labelsF32, double[] featuresF64, double[] labelsF64) {
        this.size = size;
        this.featureShape = featureShape;
        this.labelShape = labelShape;
        this.featureSize = Math.toIntExact(featureShape.size());
        this.labelSize = Math.toIntExact(labelShape.size());
        this.featuresF32 = featuresF32;
        this.labelsF32 = labelsF32;
        this.featuresF64 = featuresF64;
        this.labelsF64 = labelsF64;
    }

    /** Samples whose features have shape {@code featureShape} and labels {@code labelShape}, stored flat. */
    public static ArrayDataset of(double[] features, Shape featureShape, double[] labels, Shape labelShape) {
        int n = sampleCount(features.length, featureShape, labels.length, labelShape);
        return new ArrayDataset(featureShape, labelShape, n, null, null, features, labels);
    }

    /** Samples whose features have shape {@code featureShape} and labels {@code labelShape}, stored flat. */
    public static ArrayDataset of(float[] features, Shape featureShape, float[] labels, Shape labelShape) {
        int n = sampleCount(features.length, featureShape, labels.length, labelShape);
        return new ArrayDataset(featureShape, labelShape, n, features, labels, null, null);
    }

    /** One sample per row of x and of y. */
    public static ArrayDataset of(double[][] x, double[][] y) {
        checkRows(x.length, y.length);
        int xCols = width(x, "x");
        int yCols = width(y, "y");
        return of(flatten(x, xCols, "x"), Shape.of(xCols), flatten(y, yCols, "y"), Shape.of(yCols));
    }

    /** One sample per row of x and of y. */
    public static ArrayDataset of(float[][] x, float[][] y) {
        checkRows(x.length, y.length);
        if (x.length == 0) {
            throw new KilnException("x has no samples");
        }
        int xCols = x[0].length;
        int yCols = y[0].length;
        float[] fx = new float[x.length * xCols];
        float[] fy = new float[y.length * yCols];
        for (int r = 0; r < x.length; r++) {
            checkWidth(x[r].length, xCols, r, "x");
            checkWidth(y[r].length, yCols, r, "y");
            System.arraycopy(x[r], 0, fx, r * xCols, xCols);
            System.arraycopy(y[r], 0, fy, r * yCols, yCols);
        }
        return of(fx, Shape.of(xCols), fy, Shape.of(yCols));
    }

    /** One sample per row of x, labelled by a class index (label shape {@code []}, for sparse losses). */
    public static ArrayDataset of(double[][] x, int[] classes) {
        checkRows(x.length, classes.length);
        int xCols = width(x, "x");
        double[] labels = new double[classes.length];
        for (int i = 0; i < classes.length; i++) {
            labels[i] = classes[i];
        }
        return of(flatten(x, xCols, "x"), Shape.of(xCols), labels, Shape.of());
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Shape featureShape() {
        return featureShape;
    }

    @Override
    public Shape labelShape() {
        return labelShape;
    }

    @Override
    public void gather(int[] indices, int from, int count, float[] features, float[] labels) {
        for (int i = 0; i < count; i++) {
            int sample = checkIndex(indices[from + i]);
            if (featuresF32 != null) {
                System.arraycopy(featuresF32, sample * featureSize, features, i * featureSize, featureSize);
                System.arraycopy(labelsF32, sample * labelSize, labels, i * labelSize, labelSize);
            } else {
                narrow(featuresF64, sample * featureSize, features, i * featureSize, featureSize);
                narrow(labelsF64, sample * labelSize, labels, i * labelSize, labelSize);
            }
        }
    }

    @Override
    public void gather(int[] indices, int from, int count, double[] features, double[] labels) {
        for (int i = 0; i < count; i++) {
            int sample = checkIndex(indices[from + i]);
            if (featuresF64 != null) {
                System.arraycopy(featuresF64, sample * featureSize, features, i * featureSize, featureSize);
                System.arraycopy(labelsF64, sample * labelSize, labels, i * labelSize, labelSize);
            } else {
                widen(featuresF32, sample * featureSize, features, i * featureSize, featureSize);
                widen(labelsF32, sample * labelSize, labels, i * labelSize, labelSize);
            }
        }
    }

    private int checkIndex(int sample) {
        if (sample < 0 || sample >= size) {
            throw new KilnException("sample index " + sample + " is outside the data set of " + size + " samples");
        }
        return sample;
    }

    private static void narrow(double[] source, int from, float[] target, int to, int length) {
        for (int k = 0; k < length; k++) {
            target[to + k] = (float) source[from + k];
        }
    }

    private static void widen(float[] source, int from, double[] target, int to, int length) {
        for (int k = 0; k < length; k++) {
            target[to + k] = source[from + k];
        }
    }

    private static int sampleCount(int featureValues, Shape featureShape, int labelValues, Shape labelShape) {
        long perFeature = featureShape.size();
        long perLabel = labelShape.size();
        if (perFeature == 0 || featureValues % perFeature != 0) {
            throw new KilnException(featureValues + " feature values do not divide into samples of shape " + featureShape);
        }
        if (perLabel == 0 || labelValues % perLabel != 0) {
            throw new KilnException(labelValues + " label values do not divide into labels of shape " + labelShape);
        }
        checkRows(Math.toIntExact(featureValues / perFeature), Math.toIntExact(labelValues / perLabel));
        return Math.toIntExact(featureValues / perFeature);
    }

    private static void checkRows(int xRows, int yRows) {
        if (xRows != yRows) {
            throw new KilnException("x has " + xRows + " samples but y has " + yRows
                    + ": features and labels need the same number of rows");
        }
    }

    private static int width(double[][] rows, String what) {
        if (rows.length == 0) {
            throw new KilnException(what + " has no samples");
        }
        return rows[0].length;
    }

    private static double[] flatten(double[][] rows, int cols, String what) {
        double[] flat = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            checkWidth(rows[r].length, cols, r, what);
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return flat;
    }

    private static void checkWidth(int actual, int expected, int row, String what) {
        if (actual != expected) {
            throw new KilnException(what + " row " + row + " has " + actual + " values, expected " + expected
                    + " like row 0");
        }
    }
}
