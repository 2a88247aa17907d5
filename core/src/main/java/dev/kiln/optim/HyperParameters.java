package dev.kiln.optim;

import dev.kiln.KilnException;

/** Validation of optimizer hyper-parameters. */
final class HyperParameters {
    private HyperParameters() {
    }

    /** {@code value}, or an exception unless it lies in [0, 1). */
    static double decay(String optimizer, String what, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new KilnException(optimizer + ": " + what + " must be in [0, 1), got " + value);
        }
        return value;
    }

    /** {@code value}, or an exception unless it is positive and finite. */
    static double positive(String optimizer, String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new KilnException(optimizer + ": " + what + " must be a positive finite number, got " + value);
        }
        return value;
    }
}
