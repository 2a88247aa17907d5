package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * What {@link GlobalAveragePooling2D} and {@link GlobalMaxPool2D} share: channels-last images
 * [batch, height, width, channels] reduced over every pixel to [batch, channels]; no parameters.
 */
public abstract class GlobalPoolingLayer extends SingleInputLayer {

    /** The reduction along axis 1 of the pixels [batch, height * width, channels]. */
    abstract Tensor reduce(Tensor pixels);

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        requireImages(inputShape);
        return Shape.of(inputShape.dim(2));
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        Shape shape = input.shape();
        return reduce(Ops.reshape(input, Shape.of(shape.dim(0), shape.dim(1) * shape.dim(2), shape.dim(3))));
    }
}
