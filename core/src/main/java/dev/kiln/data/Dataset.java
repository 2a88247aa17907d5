package dev.kiln.data;

import dev.kiln.tensor.Shape;

/**
 * Samples of features and labels held on the host, read by index. Implementations copy the requested samples
 * into caller-owned arrays, so a training loop reuses one batch buffer for every batch.
 */
public interface Dataset {

    /** Number of samples. */
    int size();

    /** Shape of one sample's features (no batch axis). */
    Shape featureShape();

    /** Shape of one sample's label (no batch axis); {@code []} for a class index per sample. */
    Shape labelShape();

    /**
     * Copies samples {@code indices[from] .. indices[from + count - 1]} into {@code features} and
     * {@code labels}, row after row, from position 0.
     */
    void gather(int[] indices, int from, int count, float[] features, float[] labels);

    /** As {@link #gather(int[], int, int, float[], float[])}, into double arrays. */
    void gather(int[] indices, int from, int count, double[] features, double[] labels);
}
