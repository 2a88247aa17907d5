package dev.kiln.opencl;

/**
 * Division by a fixed positive int as a multiply and a shift, the constants a kernel's {@code divide()} takes
 * (windows.cl): for every n in [0, 2^31), n / divisor == (n * multiplier) >>> shift, with
 * shift = 31 + ceil(log2(divisor)) and multiplier = ceil(2^shift / divisor) (Granlund and Montgomery, "Division by
 * invariant integers using multiplication", 1994). Kernels decode positions this way because integer division
 * dominates their cost otherwise, on CPU devices and GPUs alike.
 *
 * @param multiplier the multiplier, an unsigned 32-bit value held in an int
 * @param shift the shift, from 31 to 62
 */
record Divisor(int multiplier, int shift) {

    /** The constants for {@code divisor}, at least 1. */
    static Divisor of(int divisor) {
        if (divisor < 1) {
            throw new IllegalArgumentException("a divisor must be at least 1, got " + divisor);
        }
        int shift = 31 + (32 - Integer.numberOfLeadingZeros(divisor - 1));
        long multiplier = ((1L << shift) + divisor - 1) / divisor;
        return new Divisor((int) multiplier, shift);
    }

    /** n / divisor for n in [0, 2^31), as the kernels compute it. */
    int divide(int n) {
        return (int) ((n * Integer.toUnsignedLong(multiplier)) >>> shift);
    }
}
