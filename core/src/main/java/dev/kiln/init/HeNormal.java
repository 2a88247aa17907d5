package dev.kiln.init;

import dev.kiln.tensor.Tensor;

/** He (Kaiming) normal, for ReLU units: w ~ N(0, 2 / fanIn), untruncated as in PyTorch. */
public record HeNormal() implements Initializer {

    @Override
    public void initialize(Tensor parameter, int fanIn, int fanOut, long seed) {
        Fans.requirePositive("he_normal", fanIn, fanOut);
        new RandomNormal(0, Math.sqrt(2.0 / fanIn)).initialize(parameter, fanIn, fanOut, seed);
    }
}
