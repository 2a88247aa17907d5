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
 */
record KernelLimits(long workGroupSize, List<Long> maxWorkItemSizes, long localMemoryBytes,
                    long deviceLocalMemoryBytes) {

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
        return new KernelLimits(groupSize[0], device.maxWorkItemSizes(), localMemory[0], deviceLocalMemory[0]);
    }

    /** Why a launch in work-groups of {@code local} would be refused; empty when it fits. */
    Optional<String> violation(long[] local) {
        String size = LongStream.of(local).mapToObj(Long::toString).collect(Collectors.joining(" x "));
        for (int d = 0; d < local.length; d++) {
            if (d >= maxWorkItemSizes.size() || local[d] > maxWorkItemSizes.get(d)) {
                return Optional.of("work-group " + size + " exceeds the device's limit of "
                        + (d < maxWorkItemSizes.size() ? maxWorkItemSizes.get(d) : 0) + " in dimension " + d
                        + " (CL_DEVICE_MAX_WORK_ITEM_SIZES " + maxWorkItemSizes + ")");
            }
        }
        long items = LongStream.of(local).reduce(1, Math::multiplyExact);
        if (items > workGroupSize) {
            return Optional.of("work-group " + size + " = " + items + " work-items exceeds the kernel's limit of "
                    + workGroupSize + " (CL_KERNEL_WORK_GROUP_SIZE)");
        }
        if (localMemoryBytes > deviceLocalMemoryBytes) {
            return Optional.of("the kernel uses " + localMemoryBytes + " bytes of local memory, more than the "
                    + deviceLocalMemoryBytes + " the device has (CL_KERNEL_LOCAL_MEM_SIZE, CL_DEVICE_LOCAL_MEM_SIZE)");
        }
        return Optional.empty();
    }
}
