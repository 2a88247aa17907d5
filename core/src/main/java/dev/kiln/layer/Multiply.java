package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Element-wise merge of inputs of one shape: y = x1 * x2 * ... * xn. */
public final class Multiply extends Merge {

    @Override
    protected Tensor combine(List<Tensor> inputs) {
        return fold(inputs, Ops::mul);
    }
}
