package dev.kiln.cpu;

import dev.kiln.backend.DeviceInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.ejml.EjmlVersion;

/** Describes the host processor the CPU backend computes on. */
final class HostDevice {
    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");

    private HostDevice() {
    }

    static DeviceInfo describe() {
        List<String> cpuInfo = readCpuInfo();
        String name = field(cpuInfo, "model name").orElse(System.getProperty("os.arch", "unknown"));
        String vendor = field(cpuInfo, "vendor_id").orElse("unknown");
        Runtime runtime = Runtime.getRuntime();
        long largestArray = (long) (Integer.MAX_VALUE - 8) * Float.BYTES;
        return new DeviceInfo(0, name, vendor, "cpu", "EJML " + EjmlVersion.VERSION,
                runtime.availableProcessors(), runtime.maxMemory(), Math.min(largestArray, runtime.maxMemory()), true);
    }

    private static List<String> readCpuInfo() {
        try {
            return Files.readAllLines(CPU_INFO, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static Optional<String> field(List<String> cpuInfo, String key) {
        for (String line : cpuInfo) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                String value = line.substring(colon + 1).trim();
                if (!value.isEmpty()) {
                    return Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }
}
