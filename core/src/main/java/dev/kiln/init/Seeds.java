package dev.kiln.init;

/** Deriving seeds from seeds: neighbouring inputs (steps, indices) must give unrelated random streams. */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64's finaliser: a bijection on longs whose outputs for neighbouring inputs look unrelated. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
