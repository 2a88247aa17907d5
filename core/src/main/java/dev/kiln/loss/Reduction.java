package dev.kiln.loss;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/** How a loss combines its per-sample values into one number. */
public enum Reduction {
    /** The mean over the samples of the batch (Keras' and PyTorch's default). */
    MEAN,
    /** The sum over the samples of the batch. */
    SUM;

    /** Reduces per-sample losses of shape [n] to a scalar (shape []). */
    public Tensor apply(Tensor perSample) {
        return this == MEAN ? Ops.mean(perSample) : Ops.sum(perSample);
    }
}
