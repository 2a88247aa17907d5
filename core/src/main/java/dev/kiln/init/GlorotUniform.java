package dev.kiln.init;

import dev.kiln.tensor.Tensor;

/** Glorot (Xavier) uniform: w ~ U[-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)). */
public record GlorotUniform() implements Initializer {

    @Override
    public void initialize(Tensor parameter, int fanIn, int fanOut, long seed) {
        Fans.requirePositive("glorot_uniform", fanIn, fanOut);
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        new RandomUniform(-limit, limit).initialize(parameter, fanIn, fanOut, seed);
    }
}
