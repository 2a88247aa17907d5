package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;

/** A metric computed per sample on the device and summed over the batch, without recording gradients. */
abstract class BatchMetric implements Metric {
    private final String name;

    BatchMetric(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Tensor batchTotal(Tensor predictions, Tensor targets) {
        check(predictions, targets);
        // intermediates are freed here whatever the caller's scope; only the total is handed out
        try (GradMode.Restore ignored = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
            return scope.promote(Ops.sum(perSample(predictions, targets)));
        }
    }

    /** Fails unless the predictions and targets are operands this metric takes. */
    void check(Tensor predictions, Tensor targets) {
        if (!takesClassIndices()) {
            // Class-index targets are I32; their checkShapes checks them against the predictions.
            Ops.checkCompatible(name, predictions, targets);
        }
        checkShapes(predictions, targets);
    }

    /** Whether targets are I32 class indices rather than values of the predictions' dtype. */
    boolean takesClassIndices() {
        return false;
    }

    /** The metric of each sample, shape [n]. */
    abstract Tensor perSample(Tensor predictions, Tensor targets);

    /** Fails unless predictions and targets have the same shape [n, ...]. */
    void checkShapes(Tensor predictions, Tensor targets) {
        if (!predictions.shape().equals(targets.shape()) || predictions.rank() < 1) {
            throw new KilnException(name + ": predictions of shape " + predictions.shape()
                    + " and targets of shape " + targets.shape() + " must have the same shape [n, ...]");
        }
    }

    /** Fails unless predictions are [n, classes]. */
    void requireMatrix(Tensor predictions) {
        if (predictions.rank() != 2) {
            throw new KilnException(name + ": expected predictions of shape [n, classes], got " + predictions.shape());
        }
    }
}
