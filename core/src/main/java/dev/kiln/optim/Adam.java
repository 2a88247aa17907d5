package dev.kiln.optim;

import dev.kiln.backend.UpdateRule;

/**
 * Adam: m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2, p -= lr * mHat / (sqrt(vHat) + eps) with bias-corrected
 * mHat = m / (1-b1^t), vHat = v / (1-b2^t). Defaults as Keras: lr 1e-3, b1 0.9, b2 0.999, eps 1e-7.
 */
public final class Adam extends FusedOptimizer<Adam> {

    /** Adam with Keras' defaults. */
    public Adam() {
        this(1e-3);
    }

    /** Adam with the given learning rate and Keras' other defaults. */
    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7);
    }

    /** Adam with every hyper-parameter given; betas in [0, 1), epsilon &gt; 0. */
    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        super("adam", UpdateRule.ADAM, learningRate, HyperParameters.decay("adam", "beta1", beta1),
                HyperParameters.decay("adam", "beta2", beta2), HyperParameters.positive("adam", "epsilon", epsilon));
    }
}
