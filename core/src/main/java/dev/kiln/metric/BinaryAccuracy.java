package dev.kiln.metric;

import dev.kiln.backend.BinaryOp;
import dev.kiln.loss.PerSample;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** Per sample, the fraction of outputs with (prediction &gt; threshold) == target, targets being 0 or 1. */
public final class BinaryAccuracy extends BatchMetric {
    private final double threshold;

    /** Threshold 0.5 on probabilities. */
    public BinaryAccuracy() {
        this(0.5);
    }

    /** Predictions above {@code threshold} count as 1. */
    public BinaryAccuracy(double threshold) {
        super("binary_accuracy");
        this.threshold = threshold;
    }

    /** The threshold above which a prediction counts as 1. */
    public double threshold() {
        return threshold;
    }

    @Override
    Tensor perSample(Tensor predictions, Tensor targets) {
        Tensor cut = Tensor.full(predictions.backend(), predictions.dtype(), Shape.of(1), threshold);
        Tensor predicted = Ops.compare(BinaryOp.GREATER, predictions, cut);
        return PerSample.mean(Ops.compare(BinaryOp.EQUAL, predicted, targets));
    }
}
