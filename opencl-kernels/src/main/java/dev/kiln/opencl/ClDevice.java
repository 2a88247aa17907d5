package dev.kiln.opencl;

import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
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
 */
record ClDevice(cl_platform_id platform, cl_device_id id, DeviceInfo info,
                int preferredFloatWidth, int preferredDoubleWidth) {

    /** Preferred vector width for {@code dtype}, at least 1. */
    int preferredWidth(DType dtype) {
        return Math.max(1, dtype == DType.F64 ? preferredDoubleWidth : preferredFloatWidth);
    }
}
