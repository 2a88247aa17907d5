package dev.kiln.backend;

/**
 * Fused optimizer updates applied by {@link Backend#update}. With {@code g = grad + weightDecay * p}
 * (except ADAMW, whose decay is decoupled), {@code lr} the learning rate and {@code t} the 1-based step:
 */
public enum UpdateRule {
    /** p -= lr * g. No state. */
    SGD,
    /** v = beta1*v + g; p -= lr * v. State 1: velocity. */
    MOMENTUM,
    /** v = beta1*v + g; p -= lr * (g + beta1*v). State 1: velocity. */
    NESTEROV,
    /**
     * m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps), computed as
     * (lr/(1-b1^t)) * m / (sqrt(v) * (1/sqrt(1-b2^t)) + eps), one division per element. States: m, v.
     */
    ADAM,
    /** As ADAM on the raw gradient, then p -= lr * weightDecay * p (decay applied to the pre-update p). */
    ADAMW,
    /** s = beta1*s + (1-beta1)*g^2; p -= lr * g / (sqrt(s) + eps). State 1: mean square (beta1 is rho). */
    RMSPROP,
    /** s += g^2; p -= lr * g / (sqrt(s) + eps). State 1: sum of squares. */
    ADAGRAD;

    /** Number of state buffers (each as long as the parameter) the rule reads and writes. */
    public int stateCount() {
        return switch (this) {
            case SGD -> 0;
            case MOMENTUM, NESTEROV, RMSPROP, ADAGRAD -> 1;
            case ADAM, ADAMW -> 2;
        };
    }
}
