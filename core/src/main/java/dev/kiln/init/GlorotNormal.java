package dev.kiln.init;

import dev.kiln.tensor.Tensor;

/** Glorot (Xavier) normal: w ~ N(0, 2 / (fanIn + fanOut)), untruncated as in PyTorch. */
public record GlorotNormal() implements Initializer {

    @Override
    public void initialize(Tensor parameter, int fanIn, int fanOut, long seed) {
        Fans.requirePositive("glorot_normal", fanIn, fanOut);
        new RandomNormal(0, Math.sqrt(2.0 / (fanIn + fanOut))).initialize(parameter, fanIn, fanOut, seed);
    }
}
