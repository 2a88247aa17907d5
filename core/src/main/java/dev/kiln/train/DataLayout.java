package dev.kiln.train;

import dev.kiln.data.Batch;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Which array of a data set feeds each model input and labels each output.
 *
 * @param inputs for each model input, the index of its feature array
 * @param outputs for each output with a loss, the index of its label array
 */
record DataLayout(int[] inputs, int[] outputs) {

    List<Tensor> inputs(Batch batch) {
        return pick(batch.inputs(), inputs);
    }

    List<Tensor> targets(Batch batch) {
        return pick(batch.targets(), outputs);
    }

    private static List<Tensor> pick(List<Tensor> arrays, int[] order) {
        List<Tensor> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(arrays.get(i));
        }
        return out;
    }
}
