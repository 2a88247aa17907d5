package dev.kiln.samples.parity;

import dev.kiln.backend.DeviceInfo;
import java.util.List;
import java.util.Locale;

/**
 * Which runs a {@code --gpu-emulation} value asks of each device: "auto" runs every device as it is and a CPU device
 * once more emulating a GPU ({@code kiln.opencl.emulate=gpu}), so that the GPU kernels and tunings are checked on
 * machines without a GPU; "off" runs every device as it is; "only" runs every device emulating a GPU.
 */
enum GpuEmulationChoice {
    AUTO, OFF, ONLY;

    /** The choice {@code value} names, or null when it names none. */
    static GpuEmulationChoice parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "off" -> OFF;
            case "only" -> ONLY;
            default -> null;
        };
    }

    /** For each run of {@code device}, in order, whether it emulates a GPU. */
    List<Boolean> runs(DeviceInfo device) {
        return switch (this) {
            case OFF -> List.of(false);
            case ONLY -> List.of(true);
            case AUTO -> device.type().equals("cpu") ? List.of(false, true) : List.of(false);
        };
    }
}
