package dev.kiln.optim;

import dev.kiln.KilnException;
import dev.kiln.backend.UpdateRule;

/**
 * Adagrad: s += g^2, p -= lr * g / (sqrt(s) + eps), with s starting at an initial accumulator value.
 * Defaults as Keras: lr 1e-3, initial accumulator 0.1, eps 1e-7.
 */
public final class Adagrad extends FusedOptimizer<Adagrad> {
    private final double initialAccumulator;

    /** Adagrad with Keras' defaults. */
    public Adagrad() {
        this(1e-3);
    }

    /** Adagrad with the given learning rate and Keras' other defaults. */
    public Adagrad(double learningRate) {
        this(learningRate, 0.1, 1e-7);
    }

    /** Adagrad with every hyper-parameter given; initial accumulator &gt;= 0, epsilon &gt; 0. */
    public Adagrad(double learningRate, double initialAccumulator, double epsilon) {
        super("adagrad", UpdateRule.ADAGRAD, learningRate, 0, 0,
                HyperParameters.positive("adagrad", "epsilon", epsilon));
        if (!(initialAccumulator >= 0) || Double.isInfinite(initialAccumulator)) {
            throw new KilnException("adagrad: initial accumulator must be a finite number >= 0, got "
                    + initialAccumulator);
        }
        this.initialAccumulator = initialAccumulator;
    }

    @Override
    protected double initialState() {
        return initialAccumulator;
    }
}
