package dev.kiln.init;

import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Tensor;

/** w = 0. */
public record Zeros() implements Initializer {

    @Override
    public void initialize(Tensor parameter, int fanIn, int fanOut, long seed) {
        InPlaceOps.fill(parameter, 0);
    }
}
