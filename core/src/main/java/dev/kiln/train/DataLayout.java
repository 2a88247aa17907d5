package dev.kiln.train;

import dev.kiln.backend.DType;
import dev.kiln.data.Batch;
import dev.kiln.data.Dataset;
import dev.kiln.data.MiniBatches;
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

    /**
     * The dtype each label array of {@code data} is uploaded in: I32 for the labels of a loss that takes class
     * indices, {@code dtype} for other losses' labels, and as the data set declares for arrays no output reads.
     */
    List<DType> labelTypes(Objective objective, Dataset data, DType dtype) {
        List<DType> types = new ArrayList<>(MiniBatches.defaultLabelTypes(data, dtype));
        List<OutputHead> heads = objective.heads();
        for (int i = 0; i < heads.size(); i++) {
            types.set(outputs[i], LabelRule.of(heads.get(i).loss()) == LabelRule.CLASS_INDEX ? DType.I32 : dtype);
        }
        return types;
    }

    private static List<Tensor> pick(List<Tensor> arrays, int[] order) {
        List<Tensor> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(arrays.get(i));
        }
        return out;
    }
}
