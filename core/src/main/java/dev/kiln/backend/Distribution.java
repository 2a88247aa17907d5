package dev.kiln.backend;

/**
 * Distributions of {@link Backend#random}. Element {@code i} is element e = offset + i of the stream of a seed:
 * word {@code k = e % 4} of the Philox-4x32-10 block with key = seed and counter = e / 4 (both low word first), so
 * a (seed, offset) pair gives the same numbers on every backend and one block yields four elements. With
 * {@code x0 .. x3} the block's words, {@code u = (xk >>> 8) * 2^-24} lies in [0, 1).
 */
public enum Distribution {
    /** a + (b - a) * u. */
    UNIFORM,
    /**
     * a + b * sqrt(-2 ln u1) * cos(2 pi u2) for even k, sin for odd k (mean a, deviation b), with the pair j = k / 2:
     * u1 = ((x(2j) >>> 8) + 1) * 2^-24, u2 = (x(2j+1) >>> 8) * 2^-24 (Box-Muller, both deviates of each pair).
     */
    NORMAL,
    /** 1 if u &lt; a else 0 (keep probability a). */
    BERNOULLI
}
