package dev.kiln.loss;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/** Mean squared error: loss[s] = mean over features of (prediction - target)^2. */
public final class MeanSquaredError extends PerSampleLoss {

    /** Mean squared error reduced over the batch by {@code reduction}. */
    public MeanSquaredError(Reduction reduction) {
        super("mse", reduction);
    }

    @Override
    public Tensor perSample(Tensor predictions, Tensor targets) {
        return PerSample.mean(Ops.square(Ops.sub(predictions, targets)));
    }
}
