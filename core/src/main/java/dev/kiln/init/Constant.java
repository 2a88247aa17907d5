package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Tensor;

/** w = value. */
public record Constant(double value) implements Initializer {

    public Constant {
        if (!Double.isFinite(value)) {
            throw new KilnException("constant initializer: value must be finite, got " + value);
        }
    }

    @Override
    public void initialize(Tensor parameter, int fanIn, int fanOut, long seed) {
        InPlaceOps.fill(parameter, value);
    }
}
