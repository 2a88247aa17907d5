package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * The largest value of each channel over all pixels: [batch, height, width, channels] to [batch, channels]; the
 * gradient is split evenly among tied maxima.
 */
public final class GlobalMaxPool2D extends GlobalPoolingLayer {

    @Override
    public GlobalMaxPool2D named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    Tensor reduce(Tensor pixels) {
        return Ops.max(pixels, 1);
    }
}
