package dev.kiln.loss;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/** Mean absolute error: loss[s] = mean over features of |prediction - target|. */
public final class MeanAbsoluteError extends PerSampleLoss {

    /** Mean absolute error reduced over the batch by {@code reduction}. */
    public MeanAbsoluteError(Reduction reduction) {
        super("mae", reduction);
    }

    @Override
    public Tensor perSample(Tensor predictions, Tensor targets) {
        return PerSample.mean(Ops.abs(Ops.sub(predictions, targets)));
    }
}
