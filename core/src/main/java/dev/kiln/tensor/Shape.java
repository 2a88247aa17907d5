package dev.kiln.tensor;

import java.util.Arrays;

/** The dimensions of a tensor, outermost first. Immutable. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
        }
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** Size along {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return dims[normalizeAxis(axis)];
    }

    /** {@code axis} as a non-negative index, or an exception naming the rank. */
    public int normalizeAxis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        }
        return a;
    }

    /** Number of elements. */
    public long size() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Product of the dimensions in [from, to). */
    public long size(int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= dims[i];
        }
        return n;
    }

    /** This shape with {@code axis} replaced by size {@code size}. */
    public Shape withDim(int axis, int size) {
        int[] d = dims.clone();
        d[normalizeAxis(axis)] = size;
        return new Shape(d);
    }

    /** This shape without its first dimension. */
    public Shape tail() {
        return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
    }

    /** {@code first} followed by these dimensions. */
    public Shape prepend(int first) {
        int[] d = new int[dims.length + 1];
        d[0] = first;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return new Shape(d);
    }

    /** This shape with {@code last} added as a new last axis. */
    public Shape append(int last) {
        int[] out = Arrays.copyOf(dims, dims.length + 1);
        out[dims.length] = last;
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
