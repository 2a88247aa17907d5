package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Element-wise mean of inputs of one shape: y = (x1 + ... + xn) / n. */
public final class Average extends Merge {

    @Override
    protected Tensor combine(List<Tensor> inputs) {
        Tensor sum = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            sum = Ops.add(sum, inputs.get(i));
        }
        return Ops.affine(sum, 1.0 / inputs.size(), 0);
    }
}
