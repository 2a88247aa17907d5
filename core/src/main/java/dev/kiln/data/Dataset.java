package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.tensor.Shape;
import java.util.List;

/**
 * Samples of features and labels held on the host, read by index. Implementations copy the requested samples
 * into caller-owned arrays, so a training loop reuses one batch buffer for every batch.
 *
 * <p>A sample may have several feature arrays (one per model input) and several label arrays (one per model
 * output), each optionally named after the input or output it belongs to. The list-shaped methods describe them
 * all; the single-array methods are the one-input, one-output case, which is all an implementation has to provide
 * when it holds one array of each.
 */
public interface Dataset {

    /** Number of samples. */
    int size();

    /** Shape of one sample's features (no batch axis), for a data set with one feature array. */
    Shape featureShape();

    /** Shape of one sample's label (no batch axis), for one label array; {@code []} for a class index per sample. */
    Shape labelShape();

    /**
     * Copies samples {@code indices[from] .. indices[from + count - 1]} into {@code features} and
     * {@code labels}, row after row, from position 0 (one feature and one label array).
     */
    void gather(int[] indices, int from, int count, float[] features, float[] labels);

    /** As {@link #gather(int[], int, int, float[], float[])}, into double arrays. */
    void gather(int[] indices, int from, int count, double[] features, double[] labels);

    /**
     * Whether label array {@code labelArray} holds one class index per sample, given as an int: batches upload such
     * an array as an I32 tensor (class indices are never stored as floats on the device), and {@code fit} does the
     * same for the labels of any loss that takes class indices. {@link #gather} still reads them as numbers.
     */
    default boolean holdsClassIndices(int labelArray) {
        return false;
    }

    /** Per-sample shape of each feature array, in order. */
    default List<Shape> featureShapes() {
        return List.of(featureShape());
    }

    /** Per-sample shape of each label array, in order. */
    default List<Shape> labelShapes() {
        return List.of(labelShape());
    }

    /** The model input each feature array feeds, by name; empty when the arrays are matched by position. */
    default List<String> featureNames() {
        return List.of();
    }

    /** The model output each label array belongs to, by name; empty when the arrays are matched by position. */
    default List<String> labelNames() {
        return List.of();
    }

    /**
     * Copies the samples {@code indices[from] .. indices[from + count - 1]} of every feature array into
     * {@code features[i]} and of every label array into {@code labels[i]}, row after row, from position 0.
     */
    default void gather(int[] indices, int from, int count, float[][] features, float[][] labels) {
        requireSingle(features.length, labels.length);
        gather(indices, from, count, features[0], labels[0]);
    }

    /** As {@link #gather(int[], int, int, float[][], float[][])}, into double arrays. */
    default void gather(int[] indices, int from, int count, double[][] features, double[][] labels) {
        requireSingle(features.length, labels.length);
        gather(indices, from, count, features[0], labels[0]);
    }

    private static void requireSingle(int features, int labels) {
        if (features != 1 || labels != 1) {
            throw new KilnException("this data set has one feature and one label array; asked for " + features
                    + " and " + labels);
        }
    }
}
