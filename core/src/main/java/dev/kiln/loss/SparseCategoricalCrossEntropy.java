package dev.kiln.loss;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * Categorical cross-entropy against class indices [n] or [n, 1]: loss[s] = -ln p[s, t[s]], with p the
 * clipped probabilities or softmax(logits); for sequence outputs [n, steps, classes] against [n, steps], the mean
 * over the steps. Indices outside [0, classes) contribute 0; {@code fit} rejects them.
 */
public final class SparseCategoricalCrossEntropy extends PerSampleLoss {
    private final boolean fromLogits;

    /** Sparse categorical cross-entropy on logits when {@code fromLogits}, else on probabilities. */
    public SparseCategoricalCrossEntropy(boolean fromLogits, Reduction reduction) {
        super("sparse_categorical_crossentropy", reduction);
        this.fromLogits = fromLogits;
    }

    /** Whether predictions are logits rather than probabilities. */
    @Override
    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public boolean takesClassIndices() {
        return true;
    }

    @Override
    protected void checkShapes(Tensor predictions, Tensor targets) {
        ClassIndices.check(name(), predictions, targets);
    }

    // Predictions [n, classes] on logits take the fused mean or sum, as categorical cross-entropy does.
    @Override
    protected Tensor reduced(Tensor predictions, Tensor targets) {
        Tensor logits = predictions.rank() == 2 ? CategoricalCrossEntropy.logits(predictions, fromLogits) : null;
        return logits == null ? super.reduced(predictions, targets) : Ops.softmaxCrossEntropy(logits,
                ClassIndices.oneHot(targets, predictions), reduction() == Reduction.MEAN);
    }

    @Override
    public Tensor perSample(Tensor predictions, Tensor targets) {
        return ClassIndices.perSample(predictions, targets, (rows, indices) ->
                CategoricalCrossEntropy.of(rows, ClassIndices.oneHot(indices, rows), fromLogits));
    }
}
