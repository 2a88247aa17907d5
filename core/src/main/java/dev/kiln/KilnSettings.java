package dev.kiln;

import java.util.Locale;

/**
 * Every setting Kiln reads from its environment, in one place. Each is a system property {@code kiln.x.y}
 * with an environment twin {@code KILN_X_Y}; the property wins.
 *
 * <ul>
 *   <li>{@code kiln.backend} / {@code KILN_BACKEND}: "auto" (default), "cpu" or "opencl".</li>
 *   <li>{@code kiln.opencl.device} / {@code KILN_OPENCL_DEVICE}: device index or a substring of its name.</li>
 *   <li>{@code kiln.opencl.fallback} / {@code KILN_OPENCL_FALLBACK}: "cpu" (default) or "fail" when a kernel
 *       does not build on the device.</li>
 *   <li>{@code kiln.opencl.cache} / {@code KILN_OPENCL_CACHE}: directory of the compiled-kernel cache
 *       (default {@code ~/.kiln/cache/opencl}); "off" disables it.</li>
 *   <li>{@code kiln.opencl.emulate} / {@code KILN_OPENCL_EMULATE}: "off" (default) or "gpu": the OpenCL backend
 *       treats its device as a GPU (GPU kernels and tunings, no fp64) and enforces a GPU's limits at every launch
 *       and allocation, so GPU code paths can be tested on a CPU OpenCL device.</li>
 *   <li>{@code kiln.opencl.staging} / {@code KILN_OPENCL_STAGING}: "auto" (default), "on" or "off": whether the
 *       OpenCL backend moves uploads and downloads through a pinned staging buffer; "auto" does on devices without
 *       memory shared with the host (discrete GPUs), where the driver can then copy by DMA.</li>
 *   <li>{@code kiln.cpu.vector} / {@code KILN_CPU_VECTOR}: "auto" (default) runs the CPU backend's matrix products on
 *       the Vector API when the JVM has its module ({@code --add-modules jdk.incubator.vector}); "off" never does.</li>
 *   <li>{@code kiln.cpu.spin} / {@code KILN_CPU_SPIN}: microseconds, 0 to 1000000 (default 200), that an idle
 *       thread of the CPU backend's pool, and a caller waiting for the pool, spin before they sleep: a training
 *       step's many short parallel calls then find the threads awake; 0 puts them to sleep at once, for machines
 *       shared with other busy work.</li>
 *   <li>{@code kiln.require.opencl} / {@code KILN_REQUIRE_OPENCL}: "1" makes OpenCL tests fail instead of
 *       skipping when no device is found, or when clang, the second kernel compiler, is missing.</li>
 *   <li>{@code kiln.require.tools} / {@code KILN_REQUIRE_TOOLS}: "1" makes the tests that check our files with
 *       another program (TensorBoard's reader, a headless browser, Intel's offline GPU compiler ocloc, the Oclgrind
 *       simulator) fail instead of skipping when it is missing.</li>
 *   <li>{@code kiln.data} / {@code KILN_DATA}: data set cache directory (default {@code ~/.kiln/data}).</li>
 * </ul>
 */
public final class KilnSettings {
    private KilnSettings() {
    }

    /** The raw value of setting {@code key} ("kiln.opencl.device"), or {@code fallback} when unset or blank. */
    public static String get(String key, String fallback) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            value = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public static String backend() {
        return get("kiln.backend", "auto");
    }

    /** Device index or name substring, or null for the backend's default. */
    public static String openClDevice() {
        return get("kiln.opencl.device", null);
    }

    public static String openClFallback() {
        return get("kiln.opencl.fallback", "cpu");
    }

    public static String openClCache() {
        return get("kiln.opencl.cache", System.getProperty("user.home") + "/.kiln/cache/opencl");
    }

    public static String openClEmulate() {
        return get("kiln.opencl.emulate", "off");
    }

    public static String openClStaging() {
        return get("kiln.opencl.staging", "auto");
    }

    public static String cpuVector() {
        return get("kiln.cpu.vector", "auto");
    }

    public static boolean requireOpenCl() {
        return isOn("kiln.require.opencl");
    }

    public static boolean requireTools() {
        return isOn("kiln.require.tools");
    }

    private static boolean isOn(String key) {
        String value = get(key, "0");
        return "1".equals(value) || "true".equalsIgnoreCase(value);
    }

    public static String dataDirectory() {
        return get("kiln.data", System.getProperty("user.home") + "/.kiln/data");
    }
}
