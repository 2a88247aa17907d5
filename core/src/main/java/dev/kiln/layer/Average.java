package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Element-wise mean of inputs of one shape: y = (x1 + ... + xn) / n. */
public final class Average extends Merge {

    @Override
    protected Tensor combine(List<Tensor> inputs) {
        return Ops.affine(fold(inputs, Ops::add), 1.0 / inputs.size(), 0);
    }
}
