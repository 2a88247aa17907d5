package dev.kiln.opencl;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

/**
 * What a device allows the work-groups of one kernel, queried once per kernel. A GPU driver refuses a launch beyond
 * these with a bare CL_INVALID_WORK_GROUP_SIZE or CL_OUT_OF_RESOURCES; checked first, the launch fails naming the
 * size asked and the limit.
 *
 * @param workGroupSize most work-items per group for this kernel (CL_KERNEL_WORK_GROUP_SIZE)
 * @param maxWorkItemSizes most work-items per group in each dimension (CL_DEVICE_MAX_WORK_ITEM_SIZES)
 * @param localMemoryBytes local memory the kernel uses (CL_KERNEL_LOCAL_MEM_SIZE)
 * @param deviceLocalMemoryBytes local memory the device has per work-group (CL_DEVICE_LOCAL_MEM_SIZE)
 * @param gpuRules whether the rules of an emulated GPU apply too: each global size a whole multiple of the
 *     work-group, 1-D ranges below 2^31 ({@link GpuEmulation})
 */
record KernelLimits(long workGroupSize, List<Long> maxWorkItemSizes, long localMemoryBytes,
                    long deviceLocalMemoryBytes, boolean gpuRules) {

    KernelLimits {
        maxWorkItemSizes = List.copyOf(maxWorkItemSizes);
    }

    /** The limits of {@code kernel} on {@code device}. */
    static KernelLimits of(cl_kernel kernel, ClDevice device) {
        long[] groupSize = new long[1];
        long[] localMemory = new long[1];
        long[] deviceLocalMemory = new long[1];
        String what = "querying the work-group limits of a kernel on " + device.info().name();
        ClStatus.check(CL.clGetKernelWorkGroupInfo(kernel, device.id(), CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
                Pointer.to(groupSize), null), what);
        ClStatus.check(CL.clGetKernelWorkGroupInfo(kernel, device.id(), CL.CL_KERNEL_LOCAL_MEM_SIZE, Sizeof.cl_ulong,
                Pointer.to(localMemory), null), what);
        ClStatus.check(CL.clGetDeviceInfo(device.id(), CL.CL_DEVICE_LOCAL_MEM_SIZE, Sizeof.cl_ulong,
                Pointer.to(deviceLocalMemory), null), what);
        KernelLimits limits = new KernelLimits(groupSize[0], device.maxWorkItemSizes(), localMemory[0],
                deviceLocalMemory[0], false);
        return device.emulatedGpu() ? GpuEmulation.of(limits) : limits;
    }

    /** These limits with at most {@code most} work-items per group. */
    KernelLimits withWorkGroupSizeAtMost(long most) {
        return new KernelLimits(Math.min(workGroupSize, most), maxWorkItemSizes, localMemoryBytes,
                deviceLocalMemoryBytes, gpuRules);
    }

    /** Why a launch over {@code global} in work-groups of {@code local} would be refused; empty when it fits. */
    Optional<String> violation(long[] global, long[] local) {
        long items = 1;
        for (int d = 0; d < local.length; d++) {
            if (d >= maxWorkItemSizes.size() || local[d] > maxWorkItemSizes.get(d)) {
                return Optional.of("work-group " + size(local) + " exceeds the device's limit of "
                        + (d < maxWorkItemSizes.size() ? maxWorkItemSizes.get(d) : 0) + " in dimension " + d
                        + " (CL_DEVICE_MAX_WORK_ITEM_SIZES " + maxWorkItemSizes + ")");
            }
            items *= local[d];
        }
        if (items > workGroupSize) {
            return Optional.of("work-group " + size(local) + " = " + items + " work-items exceeds the kernel's limit"
                    + " of " + workGroupSize + " (CL_KERNEL_WORK_GROUP_SIZE)");
        }
        if (localMemoryBytes > deviceLocalMemoryBytes) {
            return Optional.of("the kernel uses " + localMemoryBytes + " bytes of local memory, more than the "
                    + deviceLocalMemoryBytes + " the device has (CL_KERNEL_LOCAL_MEM_SIZE, CL_DEVICE_LOCAL_MEM_SIZE)");
        }
        return gpuRules ? gpuViolation(global, local) : Optional.empty();
    }

    private static Optional<String> gpuViolation(long[] global, long[] local) {
        for (int d = 0; d < global.length; d++) {
            if (global[d] % local[d] != 0) {
                return Optional.of("global size " + global[d] + " in dimension " + d
                        + " is not a whole number of work-groups " + size(local));
            }
        }
        if (global.length == 1 && global[0] >= 1L << 31) {
            return Optional.of("1-D global size " + global[0] + " reaches 2^31");
        }
        return Optional.empty();
    }

    private static String size(long[] local) {
        return LongStream.of(local).mapToObj(Long::toString).collect(Collectors.joining(" x "));
    }
}
