package dev.kiln.optim;

import dev.kiln.backend.UpdateRule;

/**
 * Adam with decoupled weight decay: the Adam step on the raw gradient, then p -= lr * decay * p.
 * Defaults: lr 1e-3, b1 0.9, b2 0.999, eps 1e-7, weight decay 0.01 (as PyTorch).
 */
public final class AdamW extends FusedOptimizer {

    public AdamW() {
        this(1e-3);
    }

    public AdamW(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7, 0.01);
    }

    public AdamW(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        super("adamw", UpdateRule.ADAMW, learningRate, HyperParameters.decay("adamw", "beta1", beta1),
                HyperParameters.decay("adamw", "beta2", beta2), HyperParameters.positive("adamw", "epsilon", epsilon));
        withWeightDecay(weightDecay);
    }
}
