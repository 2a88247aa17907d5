package dev.kiln.tensor;

/** Computes an operation's input gradients from its output gradient. */
@FunctionalInterface
public interface BackwardRule {
    /**
     * The gradient for each input (same order as {@link Node#inputs()}), or null where an input needs none.
     * Runs with gradients disabled; may return {@code gradOutput} itself for an input.
     */
    Tensor[] apply(Tensor gradOutput);
}
