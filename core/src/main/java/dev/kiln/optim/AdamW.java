package dev.kiln.optim;

import dev.kiln.backend.UpdateRule;

/**
 * Adam with decoupled weight decay: the Adam step on the raw gradient, then p -= lr * decay * p.
 * Defaults: lr 1e-3, b1 0.9, b2 0.999, eps 1e-7, weight decay 0.01 (as PyTorch).
 */
public final class AdamW extends FusedOptimizer<AdamW> {

    /** AdamW with the defaults above. */
    public AdamW() {
        this(1e-3);
    }

    /** AdamW with the given learning rate and the other defaults. */
    public AdamW(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7, 0.01);
    }

    /** AdamW with every hyper-parameter given; betas in [0, 1), epsilon &gt; 0, decoupled weight decay &gt;= 0. */
    public AdamW(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        super("adamw", UpdateRule.ADAMW, learningRate, HyperParameters.decay("adamw", "beta1", beta1),
                HyperParameters.decay("adamw", "beta2", beta2), HyperParameters.positive("adamw", "epsilon", epsilon));
        withWeightDecay(weightDecay);
    }
}
