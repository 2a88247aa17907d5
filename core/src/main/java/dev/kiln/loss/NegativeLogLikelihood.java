package dev.kiln.loss;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * Negative log-likelihood of log-probabilities [n, classes] (e.g. a log-softmax output) at class indices
 * [n] or [n, 1]: loss[s] = -logProbabilities[s, t[s]]; for sequences [n, steps, classes] against [n, steps], the mean
 * over the steps (see {@link ClassIndices#perSample}).
 */
public final class NegativeLogLikelihood extends PerSampleLoss {

    /** Negative log-likelihood reduced over the batch by {@code reduction}. */
    public NegativeLogLikelihood(Reduction reduction) {
        super("nll", reduction);
    }

    @Override
    public boolean takesClassIndices() {
        return true;
    }

    @Override
    protected void checkShapes(Tensor predictions, Tensor targets) {
        ClassIndices.check(name(), predictions, targets);
    }

    @Override
    public Tensor perSample(Tensor predictions, Tensor targets) {
        return ClassIndices.perSample(predictions, targets, (rows, indices) ->
                Ops.neg(Ops.sum(Ops.mul(ClassIndices.oneHot(indices, rows), rows), 1)));
    }
}
