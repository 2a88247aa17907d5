package dev.kiln.layer;

import dev.kiln.backend.Distribution;
import dev.kiln.init.Initializer;

/** The initializers layers use when none is given: Glorot uniform for weights, zeros for biases. */
final class DefaultInitializers {
    /** U(-l, l) with l = sqrt(6 / (fanIn + fanOut)). */
    static final Initializer GLOROT_UNIFORM = (parameter, fanIn, fanOut, seed) -> {
        double limit = Math.sqrt(6.0 / Math.max(1, fanIn + fanOut));
        parameter.backend().random(Distribution.UNIFORM, seed, 0, -limit, limit, parameter.buffer());
    };
    /** 0. */
    static final Initializer ZEROS = (parameter, fanIn, fanOut, seed) -> parameter.backend().fill(parameter.buffer(), 0);

    private DefaultInitializers() {
    }
}
