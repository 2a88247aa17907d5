package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import java.util.function.Supplier;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;

/** Sets a kernel's arguments in order and enqueues it; a failure names the kernel and the call's shapes. */
final class KernelLaunch {
    private final cl_kernel kernel;
    private final String name;
    private final DType dtype;
    private final Supplier<String> shapes;
    private int index;

    KernelLaunch(cl_kernel kernel, String name, DType dtype, Supplier<String> shapes) {
        this.kernel = kernel;
        this.name = name;
        this.dtype = dtype;
        this.shapes = shapes;
    }

    KernelLaunch buffer(ClBuffer buffer) {
        return set(Sizeof.cl_mem, Pointer.to(buffer.memory()));
    }

    KernelLaunch integer(int value) {
        return set(Sizeof.cl_int, Pointer.to(new int[] {value}));
    }

    KernelLaunch unsigned(long value) {
        return set(Sizeof.cl_uint, Pointer.to(new int[] {(int) value}));
    }

    KernelLaunch unsignedLong(long value) {
        return set(Sizeof.cl_ulong, Pointer.to(new long[] {value}));
    }

    /** A scalar of the kernel's element type ({@code real}). */
    KernelLaunch real(double value) {
        return dtype == DType.F64
                ? set(Sizeof.cl_double, Pointer.to(new double[] {value}))
                : set(Sizeof.cl_float, Pointer.to(new float[] {(float) value}));
    }

    /** Enqueues over {@code global} (one entry per dimension) with the runtime's choice of work-group. */
    void run(cl_command_queue queue, long... global) {
        enqueue(queue, global, null);
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
        int status;
        try {
            status = CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
        } catch (CLException e) {
            status = e.getStatus();
        }
        if (status != CL.CL_SUCCESS) {
            throw new KilnException("kernel '" + name + "' (" + shapes.get() + ") failed: " + ClStatus.name(status));
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
