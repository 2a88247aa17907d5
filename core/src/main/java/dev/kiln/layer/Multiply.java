package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Element-wise merge of inputs of one shape: y = x1 * x2 * ... * xn. */
public final class Multiply extends Merge {

    @Override
    protected Tensor combine(List<Tensor> inputs) {
        Tensor y = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            y = Ops.mul(y, inputs.get(i));
        }
        return y;
    }
}
