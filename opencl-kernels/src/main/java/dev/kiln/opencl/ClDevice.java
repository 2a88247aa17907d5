package dev.kiln.opencl;

import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import java.util.List;
import java.util.Set;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as discovered.
 *
 * @param platform the platform it belongs to
 * @param id the device handle
 * @param info what the device reports
 * @param preferredFloatWidth preferred float vector width (CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT)
 * @param preferredDoubleWidth preferred double vector width, 0 without fp64
 * @param platformName the platform's name (CL_PLATFORM_NAME)
 * @param versions platform and device OpenCL versions (CL_PLATFORM_VERSION, CL_DEVICE_VERSION), for cache keys
 * @param unifiedMemory whether the device shares the host's memory (CL_DEVICE_HOST_UNIFIED_MEMORY): integrated
 * @param identities the physical device as "uuid:..." (cl_khr_device_uuid) and "pci:bus:device" (PCI bus id
 *     extensions), where the driver reports them; empty otherwise
 * @param correctlyRoundedDivideSqrt whether single precision divide and sqrt can be correctly rounded
 *     (CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT in CL_DEVICE_SINGLE_FP_CONFIG)
 * @param maxWorkItemSizes the largest work-group extent per dimension (CL_DEVICE_MAX_WORK_ITEM_SIZES)
 * @param emulatedGpu whether this device stands in for a GPU under {@link GpuEmulation}
 */
record ClDevice(cl_platform_id platform, cl_device_id id, DeviceInfo info,
                int preferredFloatWidth, int preferredDoubleWidth,
                String platformName, String versions, boolean unifiedMemory, Set<String> identities,
                boolean correctlyRoundedDivideSqrt, List<Long> maxWorkItemSizes, boolean emulatedGpu) {

    ClDevice {
        identities = Set.copyOf(identities);
        maxWorkItemSizes = List.copyOf(maxWorkItemSizes);
    }

    /** Preferred vector width for {@code dtype}, at least 1. */
    int preferredWidth(DType dtype) {
        return Math.max(1, dtype == DType.F64 ? preferredDoubleWidth : preferredFloatWidth);
    }

    /** This device with {@code replacement} as what it reports. */
    ClDevice withInfo(DeviceInfo replacement) {
        return new ClDevice(platform, id, replacement, preferredFloatWidth, preferredDoubleWidth, platformName,
                versions, unifiedMemory, identities, correctlyRoundedDivideSqrt, maxWorkItemSizes, emulatedGpu);
    }

    /** This device listed at position {@code index}. */
    ClDevice numbered(int index) {
        DeviceInfo i = info;
        return withInfo(new DeviceInfo(index, i.name(), i.vendor(), i.type(), i.driverVersion(), i.computeUnits(),
                i.globalMemoryBytes(), i.maxAllocationBytes(), i.fp64()));
    }
}
