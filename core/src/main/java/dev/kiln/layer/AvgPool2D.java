package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * Average pooling over channels-last images: each window's mean per channel, over its pixels inside the image
 * (padding is not counted, as in Keras); the gradient is spread evenly over those pixels.
 */
public final class AvgPool2D extends PoolingLayer<AvgPool2D> {

    /** Square {@code size x size} windows, stride {@code size}. */
    public AvgPool2D(int size) {
        this(size, size);
    }

    /** {@code poolHeight x poolWidth} windows, tiling the image by default. */
    public AvgPool2D(int poolHeight, int poolWidth) {
        super(poolHeight, poolWidth);
    }

    @Override
    Tensor pool(Tensor images) {
        return Ops.avgPool2d(images, poolHeight(), poolWidth(), windowOptions());
    }
}
