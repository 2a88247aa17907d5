package dev.kiln.metric;

import dev.kiln.loss.PerSample;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/** Per sample, the mean over outputs of |prediction - target|. */
public final class MeanAbsoluteErrorMetric extends BatchMetric {

    /** The metric named "mae". */
    public MeanAbsoluteErrorMetric() {
        super("mae");
    }

    @Override
    Tensor perSample(Tensor predictions, Tensor targets) {
        return PerSample.mean(Ops.abs(Ops.sub(predictions, targets)));
    }
}
