package dev.kiln.loss;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/** A loss computed as one value per sample, then reduced over the batch by a {@link Reduction}. */
public abstract class PerSampleLoss implements Loss {
    private final String name;
    private final Reduction reduction;

    protected PerSampleLoss(String name, Reduction reduction) {
        if (reduction == null) {
            throw new KilnException(name + ": reduction must be MEAN or SUM, got null");
        }
        this.name = name;
        this.reduction = reduction;
    }

    @Override
    public String name() {
        return name;
    }

    /** How the per-sample losses are combined. */
    public Reduction reduction() {
        return reduction;
    }

    @Override
    public Tensor compute(Tensor predictions, Tensor targets) {
        if (!takesClassIndices()) {
            // Class-index targets are I32; their checkShapes checks them against the predictions.
            Ops.checkCompatible(name, predictions, targets);
        }
        checkShapes(predictions, targets);
        return reduced(predictions, targets);
    }

    /** The per-sample losses reduced; losses with a fused kernel for the reduced value override this. */
    protected Tensor reduced(Tensor predictions, Tensor targets) {
        return reduction.apply(perSample(predictions, targets));
    }

    /** The loss of each sample, shape [n], differentiable in {@code predictions}. */
    public abstract Tensor perSample(Tensor predictions, Tensor targets);

    /** Fails unless predictions and targets have the same shape; losses taking class indices override this. */
    protected void checkShapes(Tensor predictions, Tensor targets) {
        if (!predictions.shape().equals(targets.shape())) {
            throw new KilnException(name + ": predictions of shape " + predictions.shape()
                    + " and targets of shape " + targets.shape() + " must have the same shape");
        }
        if (predictions.rank() < 1) {
            throw new KilnException(name + ": expected a batch [n, ...], got predictions of shape "
                    + predictions.shape());
        }
    }
}
