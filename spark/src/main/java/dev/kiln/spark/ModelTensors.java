package dev.kiln.spark;

import dev.kiln.tensor.Tensor;
import java.util.List;

/** Sizes and values of a model's tensors, as the tasks of a distributed fit send them. */
final class ModelTensors {
    private ModelTensors() {
    }

    /** The number of values of each tensor. */
    static int[] sizes(List<Tensor> tensors) {
        return tensors.stream().mapToInt(t -> Math.toIntExact(t.size())).toArray();
    }

    /** The values of each tensor (waits for the device). */
    static double[][] values(List<Tensor> tensors) {
        double[][] values = new double[tensors.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensors.get(i).toDoubleArray();
        }
        return values;
    }
}
