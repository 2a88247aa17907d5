package dev.kiln.metric;

import dev.kiln.loss.PerSample;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/** Per sample, the mean over outputs of (prediction - target)^2. */
public final class MeanSquaredErrorMetric extends BatchMetric {

    /** The metric named "mse". */
    public MeanSquaredErrorMetric() {
        super("mse");
    }

    @Override
    Tensor perSample(Tensor predictions, Tensor targets) {
        return PerSample.mean(Ops.square(Ops.sub(predictions, targets)));
    }
}
