package dev.kiln.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Freed large arrays of one backend kept for the next allocation of the same length: a training step allocates
 * the same intermediates every step, and a new Java array is zeroed by the JVM first, which for the column
 * matrices of a convolution costs as much as computing with them. Small arrays are left to the JVM; the pool
 * holds at most {@link #MAX_BYTES}, dropping arrays beyond it.
 */
final class HostArrayPool {
    /** Elements from which an array is pooled. */
    static final int MIN_LENGTH = 1 << 14;
    static final long MAX_BYTES = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);

    private final Map<Integer, ArrayDeque<float[]>> floats = new HashMap<>();
    private final Map<Integer, ArrayDeque<double[]>> doubles = new HashMap<>();
    private long bytes;

    /** A float array of {@code length} elements with unspecified contents. */
    float[] floats(int length) {
        float[] reused = length >= MIN_LENGTH ? take(floats, length, Float.BYTES) : null;
        return reused != null ? reused : new float[length];
    }

    /** A double array of {@code length} elements with unspecified contents. */
    double[] doubles(int length) {
        double[] reused = length >= MIN_LENGTH ? take(doubles, length, Double.BYTES) : null;
        return reused != null ? reused : new double[length];
    }

    void give(float[] array) {
        if (array != null && array.length >= MIN_LENGTH && bytes + (long) array.length * Float.BYTES <= MAX_BYTES) {
            floats.computeIfAbsent(array.length, n -> new ArrayDeque<>()).push(array);
            bytes += (long) array.length * Float.BYTES;
        }
    }

    void give(double[] array) {
        if (array != null && array.length >= MIN_LENGTH && bytes + (long) array.length * Double.BYTES <= MAX_BYTES) {
            doubles.computeIfAbsent(array.length, n -> new ArrayDeque<>()).push(array);
            bytes += (long) array.length * Double.BYTES;
        }
    }

    /** Drops every pooled array. */
    void clear() {
        floats.clear();
        doubles.clear();
        bytes = 0;
    }

    private <A> A take(Map<Integer, ArrayDeque<A>> pool, int length, int elementBytes) {
        ArrayDeque<A> free = pool.get(length);
        if (free == null || free.isEmpty()) {
            return null;
        }
        bytes -= (long) length * elementBytes;
        return free.pop();
    }
}
