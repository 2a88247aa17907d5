package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.backend.Distribution;
import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Tensor;

/** w ~ U[low, high), drawn by the backend's counter-based generator from the seed. */
public record RandomUniform(double low, double high) implements Initializer {

    public RandomUniform {
        if (!Double.isFinite(low) || !Double.isFinite(high) || low > high) {
            throw new KilnException("uniform initializer: needs finite bounds with low <= high, got [" + low + ", "
                    + high + ")");
        }
    }

    @Override
    public void initialize(Tensor parameter, int fanIn, int fanOut, long seed) {
        InPlaceOps.random(parameter, Distribution.UNIFORM, seed, low, high);
    }
}
