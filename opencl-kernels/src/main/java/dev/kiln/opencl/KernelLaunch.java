package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;

/**
 * Collects a kernel's arguments in order and enqueues it, through {@link OutOfMemoryRetry} with the bytes of its
 * buffer arguments; a failure names the kernel and the call's shapes. The
 * kernel is built with 32-bit index arithmetic unless a buffer argument holds 2^31 elements or more (see
 * common.cl's INDEX_BITS), so it is chosen when the arguments are known.
 */
final class KernelLaunch {
    /** Work-group size of 1-D launches; one fixed size means one compiled work-group function per kernel. */
    static final int GROUP = 64;
    /** Elements a buffer may hold for the kernels built with 32-bit indices. */
    static final long NARROW_ELEMENTS = 1L << 31;

    private final Function<Boolean, cl_kernel> variants;
    private final Function<cl_kernel, KernelLimits> limits;
    private final Function<cl_kernel, KernelInstances> instances;
    private final long maxGlobal;
    private final OutOfMemoryRetry retry;
    private final ScalarArgument scalar;
    private final String name;
    private final DType dtype;
    private final Supplier<String> shapes;
    private final LongAdder enqueued;
    private final LongAdder argumentsSet;
    private final List<KernelArgument> arguments = new ArrayList<>();
    private final List<ClBuffer> buffers = new ArrayList<>();
    private long widest;
    private cl_kernel kernel;

    /**
     * A launch of the kernel that {@code variants} gives for 64-bit (true) or 32-bit (false) indices.
     *
     * @param instances the kernel objects of a kernel's function, of which a launch takes the one holding its scalars
     * @param maxGlobal most work-items of a 1-D launch ({@link #run}), a multiple of {@link #GROUP} or less than one
     * @param enqueued counts the launches enqueued
     * @param argumentsSet counts the arguments set (those a kernel did not hold)
     */
    KernelLaunch(Function<Boolean, cl_kernel> variants, Function<cl_kernel, KernelLimits> limits,
                 Function<cl_kernel, KernelInstances> instances, long maxGlobal, OutOfMemoryRetry retry,
                 ScalarArgument scalar, String name, DType dtype, Supplier<String> shapes, LongAdder enqueued,
                 LongAdder argumentsSet) {
        this.variants = variants;
        this.limits = limits;
        this.instances = instances;
        this.maxGlobal = maxGlobal;
        this.retry = retry;
        this.scalar = scalar;
        this.name = name;
        this.dtype = dtype;
        this.shapes = shapes;
        this.enqueued = enqueued;
        this.argumentsSet = argumentsSet;
    }

    KernelLaunch buffer(ClBuffer buffer) {
        widest = Math.max(widest, buffer.length());
        buffers.add(buffer);
        return add(KernelArgument.buffer(buffer.memory()));
    }

    KernelLaunch integer(int value) {
        return scalar(Sizeof.cl_int, value);
    }

    KernelLaunch unsigned(long value) {
        return scalar(Sizeof.cl_uint, (int) value);
    }

    KernelLaunch unsignedLong(long value) {
        return scalar(Sizeof.cl_ulong, value);
    }

    /** A {@code ulong} vector (ulong2, ulong4, ...) holding {@code values}. */
    KernelLaunch unsignedLongs(long[] values) {
        return add(KernelArgument.longs(values));
    }

    /** A {@code uint2} holding the {@link Divisor} constants of {@code divisor}, for the kernel's divide(). */
    KernelLaunch divisor(int divisor) {
        Divisor constants = Divisor.of(divisor);
        return scalar(Sizeof.cl_uint2, ScalarArgument.pair(constants.multiplier(), constants.shift()));
    }

    /** A scalar of the kernel's element type ({@code real}). */
    KernelLaunch real(double value) {
        return dtype == DType.F64
                ? scalar(Sizeof.cl_double, Double.doubleToRawLongBits(value))
                : scalar(Sizeof.cl_float, Float.floatToRawIntBits((float) value));
    }

    /** Local memory of {@code bytes} for the next argument (a {@code __local} pointer). */
    KernelLaunch local(long bytes) {
        return add(KernelArgument.local(bytes));
    }

    /**
     * Enqueues a grid-stride loop over {@code n} work-items: whole work-groups, at most the cap of 1-D ranges, so a
     * work-item may take several indices (common.cl's FOR_EACH). A cap below {@link #GROUP} (tests) is one group.
     */
    void run(cl_command_queue queue, long n) {
        // a kernel may allow fewer work-items per group than GROUP (rusticl's llvmpipe allows 32): a power of two
        // below it still divides the cap, which is a multiple of GROUP
        long local = Math.min(groupSize(GROUP), maxGlobal);
        enqueue(queue, new long[] {Math.min(roundUp(n, local), maxGlobal)}, new long[] {local});
    }

    /** Enqueues an x-by-y range in work-groups of {@code localX} x {@code localY}, as {@link #runFitted} does. */
    void run2d(cl_command_queue queue, long x, long y, int localX, int localY) {
        runFitted(queue, new long[] {x, y}, new long[] {localX, localY});
    }

    /**
     * Enqueues {@code extent} rounded up to work-groups of {@code local}, each size halved (the last dimension first)
     * while the group exceeds what the kernel and the device allow: for kernels whose result does not depend on the
     * work-group.
     */
    void runFitted(cl_command_queue queue, long[] extent, long[] local) {
        KernelLimits bounds = limits.apply(kernel());
        long[] group = local.clone();
        long items = 1;
        for (int d = 0; d < group.length; d++) {
            while (d < bounds.maxWorkItemSizes().size() && group[d] > bounds.maxWorkItemSizes().get(d)) {
                group[d] /= 2;
            }
            items *= group[d];
        }
        for (int d = group.length - 1; d >= 0 && items > bounds.workGroupSize(); d--) {
            while (group[d] > 1 && items > bounds.workGroupSize()) {
                items /= group[d];
                group[d] /= 2;
                items *= group[d];
            }
        }
        long[] global = new long[extent.length];
        for (int d = 0; d < extent.length; d++) {
            global[d] = roundUp(extent[d], group[d]);
        }
        enqueue(queue, global, group);
    }

    /**
     * Enqueues {@code groups} work-groups of {@code local} work-items in one dimension, at most as many as the cap
     * of 1-D ranges allows: kernels looping over groups (FOR_EACH_GROUP) take the rest.
     */
    void runGroupStride(cl_command_queue queue, long groups, int local) {
        long most = Math.max(1, maxGlobal / local);
        enqueue(queue, new long[] {Math.min(groups, most) * local}, new long[] {local});
    }

    static long roundUp(long value, long multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /** Enqueues over {@code global} in work-groups of {@code local}. */
    void runGroups(cl_command_queue queue, long[] global, long[] local) {
        enqueue(queue, global, local);
    }

    /** The largest power of two at most {@code wanted} that the kernel and the device allow as a 1-D work-group. */
    int groupSize(int wanted) {
        KernelLimits bounds = limits.apply(kernel());
        long most = Math.min(wanted, Math.min(bounds.workGroupSize(), bounds.maxWorkItemSizes().get(0)));
        return Integer.highestOneBit((int) Math.max(1, most));
    }

    private cl_kernel kernel() {
        if (kernel == null) {
            kernel = variants.apply(widest >= NARROW_ELEMENTS);
        }
        return kernel;
    }

    private void enqueue(cl_command_queue queue, long[] global, long[] local) {
        for (long size : global) {
            if (size == 0) {
                return;
            }
        }
        cl_kernel resolved = kernel();
        limits.apply(resolved).violation(global, local).ifPresent(violation -> {
            throw new KilnException("kernel '" + name + "' (" + shapes.get() + "): " + violation);
        });
        KernelInstances.Instance instance = instances.apply(resolved).choose(arguments);
        KernelArguments holding = instance.held();
        for (int index = 0; index < arguments.size(); index++) {
            KernelArgument argument = arguments.get(index);
            if (!holding.holds(index, argument)) {
                // unknown until the call succeeds: a failed set may leave either value
                holding.record(index, null);
                setArgument(instance.kernel(), index, argument);
                holding.record(index, argument);
                argumentsSet.increment();
            }
        }
        int status = retry.enqueue(() -> ndRange(queue, instance.kernel(), global, local), this::bufferBytes,
                () -> "kernel '" + name + "' (" + shapes.get() + ")");
        if (status != CL.CL_SUCCESS) {
            throw new KilnException("kernel '" + name + "' (" + shapes.get() + ") failed: " + ClStatus.name(status));
        }
        enqueued.increment();
    }

    /** Bytes of the distinct buffers among the arguments: what the kernel needs resident on the device. */
    private long bufferBytes() {
        return buffers.stream().distinct().mapToLong(ClBuffer::capacityBytes).sum();
    }

    private static int ndRange(cl_command_queue queue, cl_kernel kernel, long[] global, long[] local) {
        try {
            return CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
        } catch (CLException e) {
            return e.getStatus();
        }
    }

    private KernelLaunch add(KernelArgument argument) {
        arguments.add(argument);
        return this;
    }

    /** A scalar of {@code size} bytes (4 or 8) whose bits are {@code bits}, the low 4 when 4. */
    private KernelLaunch scalar(long size, long bits) {
        return add(KernelArgument.scalar(size, bits));
    }

    private void setArgument(cl_kernel resolved, int argument, KernelArgument value) {
        int status;
        try {
            status = CL.clSetKernelArg(resolved, argument, value.size(), value.pointer(scalar));
        } catch (CLException e) {
            status = e.getStatus();
        }
        if (status != CL.CL_SUCCESS) {
            throw new KilnException("kernel '" + name + "' (" + shapes.get() + "): argument " + argument
                    + " rejected: " + ClStatus.name(status));
        }
    }
}
