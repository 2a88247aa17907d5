package dev.kiln.backend;

/**
 * Iteration space of a broadcasting element-wise op. The output is a contiguous
 * {@code [outer, middle, inner]} array; each operand is a contiguous array spanning only the axes in its
 * mask ({@link #OUTER}, {@link #MIDDLE}, {@link #INNER}) and of size 1 along the others. Example: adding a
 * bias row {@code [1, n]} to {@code [m, n]} is {@code (1, m, n, ALL, INNER)}; a per-row column {@code [m, 1]}
 * is {@code (1, m, n, ALL, MIDDLE)}; a per-channel bias over {@code [N, C, HW]} is {@code (N, C, HW, ALL, MIDDLE)}.
 *
 * @param outer size of the outer axis
 * @param middle size of the middle axis
 * @param inner size of the inner axis
 * @param aAxes axes operand a spans
 * @param bAxes axes operand b spans
 */
public record Broadcast(int outer, int middle, int inner, int aAxes, int bAxes) {
    public static final int INNER = 1;
    public static final int MIDDLE = 2;
    public static final int OUTER = 4;
    public static final int ALL = OUTER | MIDDLE | INNER;

    public Broadcast {
        if (outer < 1 || middle < 1 || inner < 1) {
            throw new IllegalArgumentException("broadcast extents must be positive: " + outer + "x" + middle + "x" + inner);
        }
        if ((aAxes & ~ALL) != 0 || (bAxes & ~ALL) != 0) {
            throw new IllegalArgumentException("broadcast axis masks must be within 0..7: " + aAxes + ", " + bAxes);
        }
    }

    /** Both operands and the output have the same {@code n} elements. */
    public static Broadcast same(long n) {
        return new Broadcast(1, 1, Math.toIntExact(n), ALL, ALL);
    }

    /** Number of output elements. */
    public long length() {
        return (long) outer * middle * inner;
    }

    /** Number of elements of an operand spanning {@code axes}. */
    public long operandLength(int axes) {
        long n = 1;
        if ((axes & OUTER) != 0) n *= outer;
        if ((axes & MIDDLE) != 0) n *= middle;
        if ((axes & INNER) != 0) n *= inner;
        return n;
    }

    /** Index into an operand spanning {@code axes} of the output element at (o, m, i). */
    public long operandIndex(int axes, int o, int m, int i) {
        long index = 0;
        if ((axes & OUTER) != 0) index = o;
        if ((axes & MIDDLE) != 0) index = index * middle + m;
        if ((axes & INNER) != 0) index = index * inner + i;
        return index;
    }
}
