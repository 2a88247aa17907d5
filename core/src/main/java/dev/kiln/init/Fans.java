package dev.kiln.init;

import dev.kiln.KilnException;

/** Checks of the fan-in and fan-out that variance-scaling initializers divide by. */
final class Fans {
    private Fans() {
    }

    static void requirePositive(String initializer, int fanIn, int fanOut) {
        if (fanIn < 1 || fanOut < 1) {
            throw new KilnException(initializer + ": fan-in and fan-out must be at least 1, got " + fanIn
                    + " and " + fanOut);
        }
    }
}
