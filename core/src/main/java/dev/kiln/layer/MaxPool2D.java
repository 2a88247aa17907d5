package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * Max pooling over channels-last images: each window's largest value per channel; the gradient flows to that value
 * alone (the first of equal ones). Padding is never chosen.
 */
public final class MaxPool2D extends PoolingLayer<MaxPool2D> {

    /** Square {@code size x size} windows, stride {@code size}. */
    public MaxPool2D(int size) {
        this(size, size);
    }

    /** {@code poolHeight x poolWidth} windows, tiling the image by default. */
    public MaxPool2D(int poolHeight, int poolWidth) {
        super(poolHeight, poolWidth);
    }

    @Override
    Tensor pool(Tensor images) {
        return Ops.maxPool2d(images, poolHeight(), poolWidth(), windowOptions());
    }
}
