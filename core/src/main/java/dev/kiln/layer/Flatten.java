package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** Reshapes each sample to one axis: [batch, d1, d2, ...] to [batch, d1*d2*...]; no parameters. */
public final class Flatten extends SingleInputLayer {

    @Override
    public Flatten named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape sampleShape) {
        return Shape.of(Math.toIntExact(sampleShape.size()));
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        int batch = input.shape().dim(0);
        return Ops.reshape(input, outputShape().prepend(batch));
    }
}
