package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.backend.Distribution;
import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Tensor;

/** w ~ N(mean, stddev^2), drawn by the backend's counter-based generator from the seed. */
public record RandomNormal(double mean, double stddev) implements Initializer {

    public RandomNormal {
        if (!Double.isFinite(mean) || !(stddev >= 0) || Double.isInfinite(stddev)) {
            throw new KilnException("normal initializer: needs a finite mean and a finite deviation >= 0, got mean "
                    + mean + " and deviation " + stddev);
        }
    }

    @Override
    public void initialize(Tensor parameter, int fanIn, int fanOut, long seed) {
        InPlaceOps.random(parameter, Distribution.NORMAL, seed, mean, stddev);
    }
}
