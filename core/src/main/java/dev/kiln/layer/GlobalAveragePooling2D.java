package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/** The mean of each channel over all pixels: [batch, height, width, channels] to [batch, channels]. */
public final class GlobalAveragePooling2D extends GlobalPoolingLayer {

    @Override
    public GlobalAveragePooling2D named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    Tensor reduce(Tensor pixels) {
        return Ops.mean(pixels, 1);
    }
}
