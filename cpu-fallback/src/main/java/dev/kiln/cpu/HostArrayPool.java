package dev.kiln.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Freed large arrays of one backend kept for the next allocation of the same length: a training step allocates
 * the same intermediates every step, and a new Java array is zeroed by the JVM first, which for the column
 * matrices of a convolution costs as much as computing with them. Small arrays are left to the JVM. The pool holds
 * at most {@link #MAX_BYTES}: an array that would pass the limit empties it first, so lengths a step no longer asks
 * for (the last partial batch of an epoch) give way to the current ones. Like its backend, it is used from the
 * backend's calling thread only.
 */
final class HostArrayPool {
    /** Elements from which an array is pooled. */
    static final int MIN_LENGTH = 1 << 14;
    static final long MAX_BYTES = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);

    private final Map<Integer, ArrayDeque<float[]>> floats = new HashMap<>();
    private final Map<Integer, ArrayDeque<double[]>> doubles = new HashMap<>();
    /** Changed under the backend's lock only; read by {@code memory()} from any thread. */
    private volatile long bytes;

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

    /** Keeps a freed float array for reuse. */
    void give(float[] array) {
        if (array != null && admit((long) array.length * Float.BYTES, array.length)) {
            floats.computeIfAbsent(array.length, n -> new ArrayDeque<>()).push(array);
        }
    }

    /** Keeps a freed double array for reuse. */
    void give(double[] array) {
        if (array != null && admit((long) array.length * Double.BYTES, array.length)) {
            doubles.computeIfAbsent(array.length, n -> new ArrayDeque<>()).push(array);
        }
    }

    /** Bytes held for reuse. */
    long bytes() {
        return bytes;
    }

    /** Whether an array of {@code size} bytes is kept, making room by emptying the pool when it would overflow. */
    private boolean admit(long size, int length) {
        if (length < MIN_LENGTH || size > MAX_BYTES) {
            return false;
        }
        if (bytes + size > MAX_BYTES) {
            clear();
        }
        bytes += size;
        return true;
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
