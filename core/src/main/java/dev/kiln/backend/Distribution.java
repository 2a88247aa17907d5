package dev.kiln.backend;

/**
 * Distributions of {@link Backend#random}. Element {@code i} draws from Philox-4x32-10 with key = seed and
 * counter = (offset + i) (low word first), so a (seed, offset) pair gives the same numbers on every backend.
 * With {@code x0, x1} the first two output words, {@code u = (x0 >>> 8) * 2^-24} lies in [0, 1).
 */
public enum Distribution {
    /** a + (b - a) * u. */
    UNIFORM,
    /** a + b * sqrt(-2 ln u1) * cos(2 pi u2), u1 = ((x0 >>> 8) + 1) * 2^-24, u2 = (x1 >>> 8) * 2^-24 (mean a, deviation b). */
    NORMAL,
    /** 1 if u &lt; a else 0 (keep probability a). */
    BERNOULLI
}
