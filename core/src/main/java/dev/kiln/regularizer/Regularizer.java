package dev.kiln.regularizer;

import dev.kiln.tensor.Tensor;

/**
 * A penalty on a weight that joins the training loss, as Keras's {@code kernel_regularizer}: its value is added to
 * the loss that is minimised, so its gradient reaches the weight through back-propagation. As in Keras, the
 * {@code loss} that {@code fit} and {@code evaluate} report is that total, penalty included; the penalty alone is
 * reported as {@code regularization_loss}.
 */
public interface Regularizer {

    /** The penalty for {@code weight} as a one-element tensor, built from differentiable ops. */
    Tensor penalty(Tensor weight);
}
