package dev.kiln.check.parity;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;

/**
 * One side of a parity comparison: a backend computing in a dtype.
 *
 * @param backend the backend
 * @param dtype the element type its buffers use
 */
public record Side(Backend backend, DType dtype) {
    public Side {
        if (!backend.supports(dtype)) {
            throw new KilnException("backend '" + backend.name() + "' on " + backend.device().name()
                    + " does not support " + dtype + "; choose a dtype it supports");
        }
    }

    /** "opencl F32" style label. */
    public String label() {
        return backend.name() + " " + dtype;
    }
}
