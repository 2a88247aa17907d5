package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.KilnSettings;
import dev.kiln.backend.DeviceInfo;
import java.util.Locale;

/**
 * GPU emulation ({@code kiln.opencl.emulate=gpu}): a device, PoCL's above all, is treated as a GPU, so that the GPU
 * kernels and tunings run, without fp64, under the limits of a modest GPU: work-groups of at most 256 work-items,
 * global sizes whole multiples of the work-group, at most 48 KiB of local memory per kernel, 1-D ranges below 2^31
 * and buffers of at most a quarter of the device memory (the least CL_DEVICE_MAX_MEM_ALLOC_SIZE OpenCL allows).
 */
final class GpuEmulation {
    static final long MAX_WORK_GROUP = 256;
    static final long MAX_LOCAL_MEMORY_BYTES = 48 * 1024;

    private GpuEmulation() {
    }

    /** Whether the settings ask for GPU emulation; any value but "off" and "gpu" is an error. */
    static boolean requested() {
        String mode = KilnSettings.openClEmulate().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "off" -> false;
            case "gpu" -> true;
            default -> throw new KilnException("kiln.opencl.emulate is '" + mode + "'; expected 'off' or 'gpu'");
        };
    }

    /** {@code device} described as the GPU it emulates. */
    static ClDevice of(ClDevice device) {
        DeviceInfo i = device.info();
        DeviceInfo gpu = new DeviceInfo(i.index(), i.name() + " (emulating a GPU)", i.vendor(), "gpu",
                i.driverVersion(), i.computeUnits(), i.globalMemoryBytes(),
                Math.min(i.maxAllocationBytes(), i.globalMemoryBytes() / 4), false);
        return new ClDevice(device.platform(), device.id(), gpu, device.preferredFloatWidth(), 0,
                device.platformName(), device.versions(), device.unifiedMemory(), device.identities(),
                device.correctlyRoundedDivideSqrt(), device.maxWorkItemSizes().stream()
                        .map(size -> Math.min(size, MAX_WORK_GROUP)).toList(), true);
    }

    /** A kernel's limits on the emulated GPU: the device's, tightened to the GPU's. */
    static KernelLimits of(KernelLimits limits) {
        return new KernelLimits(Math.min(limits.workGroupSize(), MAX_WORK_GROUP), limits.maxWorkItemSizes(),
                limits.localMemoryBytes(), Math.min(limits.deviceLocalMemoryBytes(), MAX_LOCAL_MEMORY_BYTES), true);
    }
}
