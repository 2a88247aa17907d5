package dev.kiln.opencl;

import java.util.Arrays;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_mem;

/**
 * One argument of a launch: a scalar's bits (the low 4 when {@code size} is 4), a buffer's handle, local memory of
 * {@code size} bytes, or a vector of 64-bit values. Buffers and vectors keep what they came from ({@code source}),
 * so that {@link KernelArguments} can tell an argument a kernel already holds.
 *
 * @param size bytes the kernel's parameter takes
 * @param bits a scalar's bits, or a buffer's handle
 * @param source the buffer's memory object, a copy of the vector's values, {@link #LOCAL}, or null for a scalar
 */
record KernelArgument(long size, long bits, Object source) {
    private static final Object LOCAL = new Object();

    static KernelArgument scalar(long size, long bits) {
        return new KernelArgument(size, bits, null);
    }

    /** The handle of {@code memory}, passed by value as the C API expects ({@code &mem}). */
    static KernelArgument buffer(cl_mem memory) {
        return new KernelArgument(Sizeof.cl_mem, memory.getNativePointer(), memory);
    }

    static KernelArgument local(long bytes) {
        return new KernelArgument(bytes, 0, LOCAL);
    }

    static KernelArgument longs(long[] values) {
        return new KernelArgument((long) Sizeof.cl_ulong * values.length, 0, values.clone());
    }

    boolean isBuffer() {
        return source instanceof cl_mem;
    }

    /**
     * The value clSetKernelArg reads: none for local memory, a vector's values, or the bits of a scalar or a handle
     * through {@code scalar}'s memory.
     */
    Pointer pointer(ScalarArgument scalar) {
        if (source == LOCAL) {
            return null;
        }
        return source instanceof long[] values ? Pointer.to(values) : scalar.of(bits, size);
    }

    /**
     * Whether a kernel holding {@code other} already holds this argument. A buffer must be the same memory object,
     * not only the same handle: a driver may reuse a released object's handle for a new one, and some resolve the
     * buffer when the argument is set.
     */
    boolean sameAs(KernelArgument other) {
        if (size != other.size || bits != other.bits) {
            return false;
        }
        if (source instanceof long[] values && other.source instanceof long[] others) {
            return Arrays.equals(values, others);
        }
        return source == other.source;
    }
}
