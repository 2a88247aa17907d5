package dev.kiln.optim;

import dev.kiln.KilnException;
import dev.kiln.backend.UpdateRule;

/**
 * Stochastic gradient descent, p -= lr * g; with momentum m, v = m v + g and p -= lr * v, or with Nesterov
 * p -= lr * (g + m v). Defaults as Keras: lr 0.01, no momentum.
 */
public final class Sgd extends FusedOptimizer<Sgd> {

    /** Plain SGD with learning rate 0.01. */
    public Sgd() {
        this(0.01);
    }

    /** Plain SGD. */
    public Sgd(double learningRate) {
        this(learningRate, 0, false);
    }

    /** SGD with momentum in [0, 1), optionally Nesterov's (which needs momentum &gt; 0). */
    public Sgd(double learningRate, double momentum, boolean nesterov) {
        super("sgd", rule(momentum, nesterov), learningRate, momentum, 0, 0);
    }

    private static UpdateRule rule(double momentum, boolean nesterov) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new KilnException("sgd: momentum must be in [0, 1), got " + momentum);
        }
        if (nesterov && momentum == 0) {
            throw new KilnException("sgd: Nesterov momentum needs a momentum > 0");
        }
        if (momentum == 0) {
            return UpdateRule.SGD;
        }
        return nesterov ? UpdateRule.NESTEROV : UpdateRule.MOMENTUM;
    }
}
