package dev.kiln.tensor;

/** Computes an operation's input gradients from its output gradient. */
@FunctionalInterface
public interface BackwardRule {
    /**
     * The gradient for each input (same order as {@link Node#inputs()}), or null where an input needs none.
     * Runs with gradients disabled; may return {@code gradOutput} itself for an input, and must not write into it.
     * A tensor the rule makes and returns is handed over: a leaf may take it as its gradient (no copy) and change or
     * free it later, so the rule must not keep it (in a cache, say) for later use.
     */
    Tensor[] apply(Tensor gradOutput);
}
