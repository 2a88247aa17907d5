package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;

/**
 * Sets a kernel's arguments in order and enqueues it, through {@link OutOfMemoryRetry} with the bytes of its buffer
 * arguments; a failure names the kernel and the call's shapes.
 */
final class KernelLaunch {
    private final cl_kernel kernel;
    private final KernelLimits limits;
    private final OutOfMemoryRetry retry;
    private final ScalarArgument scalar;
    private final String name;
    private final DType dtype;
    private final Supplier<String> shapes;
    private int index;
    private final List<ClBuffer> buffers = new ArrayList<>();

    KernelLaunch(cl_kernel kernel, KernelLimits limits, OutOfMemoryRetry retry, ScalarArgument scalar, String name,
                 DType dtype, Supplier<String> shapes) {
        this.kernel = kernel;
        this.limits = limits;
        this.retry = retry;
        this.scalar = scalar;
        this.name = name;
        this.dtype = dtype;
        this.shapes = shapes;
    }

    KernelLaunch buffer(ClBuffer buffer) {
        buffers.add(buffer);
        return set(Sizeof.cl_mem, Pointer.to(buffer.memory()));
    }

    KernelLaunch integer(int value) {
        return set(Sizeof.cl_int, scalar.ofInt(value));
    }

    KernelLaunch unsigned(long value) {
        return set(Sizeof.cl_uint, scalar.ofInt((int) value));
    }

    KernelLaunch unsignedLong(long value) {
        return set(Sizeof.cl_ulong, scalar.ofLong(value));
    }

    /** A {@code uint2} holding the {@link Divisor} constants of {@code divisor}, for the kernel's divide(). */
    KernelLaunch divisor(int divisor) {
        Divisor constants = Divisor.of(divisor);
        return set(Sizeof.cl_uint2, scalar.ofInts(constants.multiplier(), constants.shift()));
    }

    /** A scalar of the kernel's element type ({@code real}). */
    KernelLaunch real(double value) {
        return dtype == DType.F64
                ? set(Sizeof.cl_double, scalar.ofDouble(value))
                : set(Sizeof.cl_float, scalar.ofFloat((float) value));
    }

    /** Work-group size of 1-D launches; one fixed size means one compiled work-group function per kernel. */
    static final int GROUP = 64;

    /** Enqueues {@code n} work-items (rounded up to whole work-groups; the kernel checks its index). */
    void run(cl_command_queue queue, long n) {
        enqueue(queue, new long[] {roundUp(n, GROUP)}, new long[] {GROUP});
    }

    /** Enqueues an x-by-y range rounded up to work-groups of {@code localX} x {@code localY}. */
    void run2d(cl_command_queue queue, long x, long y, int localX, int localY) {
        enqueue(queue, new long[] {roundUp(x, localX), roundUp(y, localY)}, new long[] {localX, localY});
    }

    static long roundUp(long value, long multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /** Enqueues over {@code global} in work-groups of {@code local}. */
    void runGroups(cl_command_queue queue, long[] global, long[] local) {
        enqueue(queue, global, local);
    }

    private void enqueue(cl_command_queue queue, long[] global, long[] local) {
        for (long size : global) {
            if (size == 0) {
                return;
            }
        }
        limits.violation(global, local).ifPresent(violation -> {
            throw new KilnException("kernel '" + name + "' (" + shapes.get() + "): " + violation);
        });
        int status = retry.enqueue(() -> ndRange(queue, global, local), this::bufferBytes,
                () -> "kernel '" + name + "' (" + shapes.get() + ")");
        if (status != CL.CL_SUCCESS) {
            throw new KilnException("kernel '" + name + "' (" + shapes.get() + ") failed: " + ClStatus.name(status));
        }
    }

    /** Bytes of the distinct buffers among the arguments: what the kernel needs resident on the device. */
    private long bufferBytes() {
        return buffers.stream().distinct().mapToLong(ClBuffer::capacityBytes).sum();
    }

    private int ndRange(cl_command_queue queue, long[] global, long[] local) {
        try {
            return CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
        } catch (CLException e) {
            return e.getStatus();
        }
    }

    private KernelLaunch set(long size, Pointer value) {
        int argument = index++;
        int status;
        try {
            status = CL.clSetKernelArg(kernel, argument, size, value);
        } catch (CLException e) {
            status = e.getStatus();
        }
        if (status != CL.CL_SUCCESS) {
            throw new KilnException("kernel '" + name + "' (" + shapes.get() + "): argument " + argument
                    + " rejected: " + ClStatus.name(status));
        }
        return this;
    }
}
