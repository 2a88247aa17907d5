package dev.kiln.opencl;

import dev.kiln.backend.DeviceInfo;
import java.util.List;
import java.util.Set;

/** Device descriptions without a device behind them, for the host-side logic that only reads descriptions. */
final class DeviceDescriptions {
    private DeviceDescriptions() {
    }

    /** A device of type {@code type} with {@code memory} bytes of global memory on platform "p". */
    static ClDevice of(int index, String type, long memory) {
        return of("p", new DeviceInfo(index, type + " " + index, "v", type, "1", 1, memory, memory / 4, true), 4,
                false, Set.of());
    }

    /** A device as a platform named {@code platform} describes it. */
    static ClDevice of(String platform, DeviceInfo info, int vectorWidth, boolean unifiedMemory,
                       Set<String> identities) {
        return new ClDevice(null, null, info, vectorWidth, vectorWidth, platform, "OpenCL 1.2 / OpenCL 1.2",
                unifiedMemory, identities, true, List.of(1024L, 1024L, 64L),
                false);
    }
}
