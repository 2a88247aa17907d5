package dev.kiln.testing;

import dev.kiln.KilnException;
import dev.kiln.init.Initializer;
import dev.kiln.tensor.Tensor;

/** Test fixtures for layer and training tests. */
public final class Fixtures {
    private Fixtures() {
    }

    /** An initializer writing exactly {@code values} (row-major) into the parameter: known weights for hand-computed answers. */
    public static Initializer values(double... values) {
        return (p, fanIn, fanOut, seed) -> {
            if (p.size() != values.length) {
                throw new KilnException(values.length + " initial values for a parameter of shape " + p.shape());
            }
            try (Tensor t = Tensor.of(p.backend(), p.dtype(), p.shape(), values)) {
                p.backend().copy(t.buffer(), 0, p.buffer(), 0, p.size());
            }
        };
    }
}
