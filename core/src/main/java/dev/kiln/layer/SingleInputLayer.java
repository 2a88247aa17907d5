package dev.kiln.layer;

import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** A layer with one input and one output, the common case: subclasses see single shapes and tensors. */
public abstract class SingleInputLayer extends Layer {

    /** The per-sample output shape for this per-sample input shape; throws {@link #badInput} for one it cannot take. */
    protected abstract Shape outputShapeFor(Shape inputShape);

    /** Creates this layer's parameters for inputs of per-sample shape {@code inputShape}; nothing by default. */
    protected void createParameters(Shape inputShape, ParameterFactory factory) {
    }

    /** The forward computation on a batch whose per-sample shape has been checked. */
    protected abstract Tensor compute(Tensor input, ForwardContext context);

    @Override
    protected final List<Shape> outputShapesFor(List<Shape> inputShapes) {
        if (inputShapes.size() != 1) {
            throw badInput("takes one input, got " + inputShapes.size());
        }
        return List.of(outputShapeFor(inputShapes.get(0)));
    }

    @Override
    protected final void createParameters(List<Shape> inputShapes, ParameterFactory factory) {
        createParameters(inputShapes.get(0), factory);
    }

    @Override
    protected final List<Tensor> compute(List<Tensor> inputs, ForwardContext context) {
        return List.of(compute(inputs.get(0), context));
    }

    /** Fails, naming the layer, unless the per-sample input is an image [height, width, channels]. */
    protected final void requireImages(Shape sample) {
        if (sample.rank() != 3) {
            throw badInput("expected images [batch, height, width, channels] (rank 4, channels last), got "
                    + batchShape(sample) + (sample.rank() == 2 ? "; add a channel axis with Reshape(h, w, 1)" : ""));
        }
    }
}
