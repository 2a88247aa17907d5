package dev.kiln.loss;

import dev.kiln.tensor.Tensor;

/** A training objective comparing a model's predictions with targets. */
public interface Loss {

    /** Short name for logs and history columns ("mse", "categorical_crossentropy"). */
    String name();

    /**
     * The loss as a scalar (shape []), differentiable in {@code predictions}; fails with a message naming both
     * shapes when predictions and targets do not match.
     */
    Tensor compute(Tensor predictions, Tensor targets);

    /** Whether targets are class indices [n] or [n, 1] into the predictions' last axis (fit checks their range). */
    default boolean takesClassIndices() {
        return false;
    }

    /** Whether it reads the predictions as logits rather than probabilities (only cross-entropies may). */
    default boolean fromLogits() {
        return false;
    }
}
