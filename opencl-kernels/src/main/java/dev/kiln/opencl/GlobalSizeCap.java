package dev.kiln.opencl;

import dev.kiln.backend.DeviceInfo;

/**
 * The most work-items of a 1-D launch: enough work-groups for many waves on every compute unit, far below the 2^31
 * global ids past which a GPU driver misbehaves; kernels cover the rest with a grid-stride loop.
 */
final class GlobalSizeCap {
    /** Work-items per compute unit. */
    static final long PER_COMPUTE_UNIT = 1L << 16;
    /** The cap whatever the device: 2^30, so that 32-bit indices never overflow stepping past n < 2^31. */
    static final long MOST = 1L << 30;

    private GlobalSizeCap() {
    }

    /** The cap for {@code device}, a multiple of {@link KernelLaunch#GROUP}. */
    static long of(DeviceInfo device) {
        return Math.min(MOST, Math.max(1, device.computeUnits()) * PER_COMPUTE_UNIT);
    }
}
