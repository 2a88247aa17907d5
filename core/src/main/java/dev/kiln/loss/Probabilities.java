package dev.kiln.loss;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/** Clipping of predicted probabilities away from 0 and 1 before taking logarithms, as Keras does. */
final class Probabilities {
    /** Keras' backend epsilon: predictions are clipped to [EPSILON, 1 - EPSILON]. */
    static final double EPSILON = 1e-7;

    private Probabilities() {
    }

    static Tensor clipped(Tensor probabilities) {
        return Ops.clip(probabilities, EPSILON, 1 - EPSILON);
    }
}
