package dev.kiln.init;

import dev.kiln.tensor.Tensor;

/** Fills a new parameter tensor with its starting values. */
public interface Initializer {

    /**
     * Writes initial values into {@code parameter}; {@code fanIn} and {@code fanOut} are the numbers of
     * inputs and outputs of the unit, and {@code seed} makes the values reproducible on every backend.
     */
    void initialize(Tensor parameter, int fanIn, int fanOut, long seed);
}
