package dev.kiln.optim;

import dev.kiln.backend.UpdateRule;

/** RMSprop: s = rho s + (1-rho) g^2, p -= lr * g / (sqrt(s) + eps). Defaults as Keras: lr 1e-3, rho 0.9, eps 1e-7. */
public final class RmsProp extends FusedOptimizer<RmsProp> {

    /** RMSprop with Keras' defaults. */
    public RmsProp() {
        this(1e-3);
    }

    /** RMSprop with the given learning rate and Keras' other defaults. */
    public RmsProp(double learningRate) {
        this(learningRate, 0.9, 1e-7);
    }

    /** RMSprop with every hyper-parameter given; rho in [0, 1), epsilon &gt; 0. */
    public RmsProp(double learningRate, double rho, double epsilon) {
        super("rmsprop", UpdateRule.RMSPROP, learningRate, HyperParameters.decay("rmsprop", "rho", rho), 0,
                HyperParameters.positive("rmsprop", "epsilon", epsilon));
    }
}
