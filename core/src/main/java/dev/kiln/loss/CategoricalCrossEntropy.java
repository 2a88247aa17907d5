package dev.kiln.loss;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * Categorical cross-entropy against one-hot (or soft) targets [n, classes], loss[s] = -sum_c t[s, c] ln p[s, c];
 * on probabilities p is clipped to [1e-7, 1 - 1e-7], on logits softmax and logarithm are fused and stable.
 */
public final class CategoricalCrossEntropy extends PerSampleLoss {
    private final boolean fromLogits;

    /** Categorical cross-entropy on logits when {@code fromLogits}, else on probabilities. */
    public CategoricalCrossEntropy(boolean fromLogits, Reduction reduction) {
        super("categorical_crossentropy", reduction);
        this.fromLogits = fromLogits;
    }

    /** Whether predictions are logits rather than probabilities. */
    @Override
    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    protected void checkShapes(Tensor predictions, Tensor targets) {
        super.checkShapes(predictions, targets);
        requireMatrix(name(), predictions);
    }

    @Override
    public Tensor perSample(Tensor predictions, Tensor targets) {
        return of(predictions, targets, fromLogits);
    }

    // On logits the mean or sum is part of the fused op, whose gradient is then one call.
    @Override
    protected Tensor reduced(Tensor predictions, Tensor targets) {
        Tensor logits = logits(predictions, fromLogits);
        return logits == null ? super.reduced(predictions, targets)
                : Ops.softmaxCrossEntropy(logits, targets, reduction() == Reduction.MEAN);
    }

    /**
     * The logits behind predictions [n, classes]: the predictions themselves when {@code fromLogits}, the input of
     * a recorded softmax otherwise, or null for probabilities from elsewhere.
     */
    static Tensor logits(Tensor predictions, boolean fromLogits) {
        if (fromLogits) {
            return predictions;
        }
        Tensor logits = predictions.softmaxLogits();
        return logits != null && predictions.rank() == 2 ? logits : null;
    }

    /**
     * Per-sample cross-entropy of predictions [n, classes] against target probabilities of the same shape.
     * Probabilities recorded as the softmax of logits take the fused path from those logits, as Keras does:
     * one kernel each way instead of clip, log, multiply and sum (the clip then no longer caps the loss).
     */
    static Tensor of(Tensor predictions, Tensor targets, boolean fromLogits) {
        Tensor logits = logits(predictions, fromLogits);
        if (logits != null) {
            return Ops.softmaxCrossEntropy(logits, targets);
        }
        return Ops.neg(Ops.sum(Ops.mul(targets, Ops.log(Probabilities.clipped(predictions))), 1));
    }

    static void requireMatrix(String loss, Tensor predictions) {
        if (predictions.rank() != 2) {
            throw new KilnException(loss + ": expected predictions of shape [n, classes], got " + predictions.shape());
        }
    }
}
