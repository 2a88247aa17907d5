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

    /**
     * Per-sample cross-entropy of predictions [n, classes] against target probabilities of the same shape.
     * Probabilities recorded as the softmax of logits take the fused path from those logits, as Keras does:
     * one kernel each way instead of clip, log, multiply and sum (the clip then no longer caps the loss).
     */
    static Tensor of(Tensor predictions, Tensor targets, boolean fromLogits) {
        if (fromLogits) {
            return Ops.softmaxCrossEntropy(predictions, targets);
        }
        Tensor logits = predictions.softmaxLogits();
        if (logits != null && predictions.rank() == 2) {
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
