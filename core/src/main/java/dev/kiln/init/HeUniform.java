package dev.kiln.init;

import dev.kiln.tensor.Tensor;

/** He (Kaiming) uniform, for ReLU units: w ~ U[-limit, limit) with limit = sqrt(6 / fanIn). */
public record HeUniform() implements Initializer {

    @Override
    public void initialize(Tensor parameter, int fanIn, int fanOut, long seed) {
        Fans.requirePositive("he_uniform", fanIn, fanOut);
        double limit = Math.sqrt(6.0 / fanIn);
        new RandomUniform(-limit, limit).initialize(parameter, fanIn, fanOut, seed);
    }
}
