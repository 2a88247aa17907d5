package dev.kiln.loss;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * Binary cross-entropy, loss[s] = mean over features of -(t ln p + (1 - t) ln(1 - p)); on probabilities
 * p is clipped to [1e-7, 1 - 1e-7], on logits x it is computed stably as softplus(x) - x t.
 */
public final class BinaryCrossEntropy extends PerSampleLoss {
    private final boolean fromLogits;

    /** Binary cross-entropy on logits when {@code fromLogits}, else on probabilities. */
    public BinaryCrossEntropy(boolean fromLogits, Reduction reduction) {
        super("binary_crossentropy", reduction);
        this.fromLogits = fromLogits;
    }

    /** Whether predictions are logits rather than probabilities. */
    @Override
    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public Tensor perSample(Tensor predictions, Tensor targets) {
        return PerSample.mean(fromLogits ? onLogits(predictions, targets) : onProbabilities(predictions, targets));
    }

    private static Tensor onLogits(Tensor logits, Tensor targets) {
        return Ops.sub(Ops.softplus(logits), Ops.mul(logits, targets));
    }

    private static Tensor onProbabilities(Tensor probabilities, Tensor targets) {
        Tensor p = Probabilities.clipped(probabilities);
        Tensor logP = Ops.log(p);
        Tensor logNotP = Ops.log(Ops.affine(p, -1, 1));
        // -(t ln p + (1 - t) ln(1 - p)) = -(ln(1 - p) + t (ln p - ln(1 - p)))
        return Ops.neg(Ops.add(logNotP, Ops.mul(targets, Ops.sub(logP, logNotP))));
    }
}
