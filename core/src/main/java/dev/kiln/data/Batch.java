package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * One mini-batch on the device, owned by the memory scope open when it was loaded.
 *
 * @param inputs one tensor {@code [size, ...feature shape]} per feature array, in the data set's order
 * @param targets one tensor {@code [size, ...label shape]} per label array, in the data set's order: I32 for class
 *     indices, else the features' dtype
 * @param size number of samples
 */
public record Batch(List<Tensor> inputs, List<Tensor> targets, int size) {
    public Batch {
        inputs = List.copyOf(inputs);
        targets = List.copyOf(targets);
    }

    /** A batch of one feature and one label array. */
    public Batch(Tensor features, Tensor labels, int size) {
        this(List.of(features), List.of(labels), size);
    }

    /** The one feature array; fails when there are several. */
    public Tensor features() {
        return single(inputs, "feature");
    }

    /** The one label array; fails when there are several. */
    public Tensor labels() {
        return single(targets, "label");
    }

    private static Tensor single(List<Tensor> tensors, String what) {
        if (tensors.size() != 1) {
            throw new KilnException("the batch has " + tensors.size() + " " + what + " arrays, not one");
        }
        return tensors.get(0);
    }
}
