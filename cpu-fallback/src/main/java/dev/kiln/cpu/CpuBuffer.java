package dev.kiln.cpu;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;

/** A buffer of the CPU backend: a Java array of the buffer's dtype (float, double or int) in host memory. */
final class CpuBuffer implements Buffer {
    private final CpuBackend owner;
    private final DType dtype;
    private float[] floats;
    private double[] doubles;
    private int[] ints;
    private final int length;

    CpuBuffer(CpuBackend owner, DType dtype, int length, HostArrayPool pool) {
        this.owner = owner;
        this.dtype = dtype;
        this.length = length;
        switch (dtype) {
            case F32 -> floats = pool.floats(length);
            case F64 -> doubles = pool.doubles(length);
            case I32 -> ints = new int[length];
        }
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long length() {
        return length;
    }

    int size() {
        return length;
    }

    @Override
    public Backend backend() {
        return owner;
    }

    @Override
    public boolean isFreed() {
        return (floats == null && doubles == null && ints == null) || owner.isClosed();
    }

    /** The F32 storage; the caller has checked the dtype. */
    float[] floats() {
        return floats;
    }

    /** The F64 storage; the caller has checked the dtype. */
    double[] doubles() {
        return doubles;
    }

    /** The I32 storage; the caller has checked the dtype. */
    int[] ints() {
        return ints;
    }

    /** Frees the storage, handing its array to {@code pool} for reuse. */
    void release(HostArrayPool pool) {
        pool.give(floats);
        pool.give(doubles);
        floats = null;
        doubles = null;
        ints = null;
    }

    @Override
    public String toString() {
        return "CpuBuffer[" + dtype + " x " + length + (isFreed() ? ", freed]" : "]");
    }
}
