package dev.kiln.regularizer;

import dev.kiln.KilnException;
import dev.kiln.tensor.Tensor;

/**
 * A parameter and the regularizer whose penalty on it joins the training loss.
 *
 * @param weight the parameter
 * @param regularizer its penalty
 */
public record RegularizedWeight(Tensor weight, Regularizer regularizer) {
    public RegularizedWeight {
        if (weight == null || regularizer == null) {
            throw new KilnException("a regularized weight needs a weight and a regularizer");
        }
    }

    /** The penalty on the weight now, differentiable in it. */
    public Tensor penalty() {
        return regularizer.penalty(weight);
    }
}
