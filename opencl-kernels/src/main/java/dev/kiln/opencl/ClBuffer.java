package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import org.jocl.cl_mem;

/** A device buffer of an {@link OpenClBackend}: {@code length} elements in a pooled block of {@code capacityBytes}. */
final class ClBuffer implements Buffer {
    private final OpenClBackend backend;
    private final DType dtype;
    private final long length;
    private final cl_mem memory;
    private final long capacityBytes;
    private boolean freed;

    ClBuffer(OpenClBackend backend, DType dtype, long length, cl_mem memory, long capacityBytes) {
        this.backend = backend;
        this.dtype = dtype;
        this.length = length;
        this.memory = memory;
        this.capacityBytes = capacityBytes;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public boolean isFreed() {
        return freed;
    }

    void markFreed() {
        freed = true;
    }

    cl_mem memory() {
        return memory;
    }

    long capacityBytes() {
        return capacityBytes;
    }

    long bytes() {
        return length * dtype.bytes();
    }

    @Override
    public String toString() {
        return dtype + "[" + length + "]" + (freed ? " (freed)" : "");
    }
}
