package dev.kiln.opencl;

import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every program the backend can build, in each precision, index width and tuning the tuning table can select, with
 * the grid-stride loops the device type gets.
 */
final class KernelPrograms {
    /** A program and the build options the backend passes with it. */
    record Build(ProgramSource source, String options) {
        boolean fp64() {
            return source.defines().get("PRECISION").equals("64");
        }

        String label() {
            return source.name() + " " + source.defines() + " " + options;
        }
    }

    private KernelPrograms() {
    }

    /** Each distinct program text and options once. */
    static Collection<Build> all() {
        return of(deviceClasses());
    }

    /** The programs a GPU builds: each distinct program text and options once. */
    static Collection<Build> forGpus() {
        return of(deviceClasses().stream().filter(device -> device.info().type().equals("gpu")).toList());
    }

    private static Collection<Build> of(List<ClDevice> devices) {
        Map<String, Build> builds = new LinkedHashMap<>();
        for (ClDevice device : devices) {
            for (DType dtype : List.of(DType.F32, DType.F64)) {
                for (KernelFamily family : KernelFamily.values()) {
                    // 32-bit index arithmetic, and the 64-bit build a launch takes for buffers of 2^31 elements
                    for (boolean wide : List.of(false, true)) {
                        ProgramSource source = ProgramSource.of(family, dtype, TuningTable.gemm(device, dtype),
                                TuningTable.lanes(device, dtype), wide, !device.info().type().equals("cpu"),
                                OpenClReduce.ROW_GROUP);
                        String options = ProgramCache.options(device);
                        builds.putIfAbsent(options + "\n" + source.text(), new Build(source, options));
                    }
                }
            }
        }
        return builds.values();
    }

    /** One description per device class the tuning table tells apart: each type, vendor, and CPU vector width. */
    private static List<ClDevice> deviceClasses() {
        List<ClDevice> devices = new ArrayList<>();
        for (String type : List.of("cpu", "gpu", "accelerator", "other")) {
            for (String vendor : List.of("NVIDIA Corporation", "Advanced Micro Devices, Inc.", "Intel(R) Corporation",
                    "The pocl project")) {
                for (int width : List.of(1, 2, 4, 8, 16)) {
                    DeviceInfo info = new DeviceInfo(devices.size(), type + " device", vendor, type, "1.0", 8,
                            1L << 32, 1L << 30, true);
                    devices.add(DeviceDescriptions.of("p", info, width, false, Set.of()));
                }
            }
        }
        return devices;
    }
}
