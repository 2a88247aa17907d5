package dev.kiln.samples.parity;

import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.DeviceInfo;

/** Opens an OpenCL backend as its device is or emulating a GPU, whatever {@code kiln.opencl.emulate} says. */
final class EmulatedGpu {
    private static final String SETTING = "kiln.opencl.emulate";

    private EmulatedGpu() {
    }

    /** The provider's backend on {@code device}, emulating a GPU when {@code emulated}. */
    static Backend create(BackendProvider provider, DeviceInfo device, boolean emulated) {
        // The backend reads the setting once, when it is created; the user's own value is restored after.
        String previous = System.getProperty(SETTING);
        System.setProperty(SETTING, emulated ? "gpu" : "off");
        try {
            return provider.create(device);
        } finally {
            if (previous == null) {
                System.clearProperty(SETTING);
            } else {
                System.setProperty(SETTING, previous);
            }
        }
    }
}
