package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Element-wise difference of exactly two inputs of one shape: y = x1 - x2. */
public final class Subtract extends Merge {

    @Override
    protected void checkInputCount(int count) {
        if (count != 2) {
            throw badInput("takes exactly 2 inputs, got " + count);
        }
    }

    @Override
    protected Tensor combine(List<Tensor> inputs) {
        return Ops.sub(inputs.get(0), inputs.get(1));
    }
}
