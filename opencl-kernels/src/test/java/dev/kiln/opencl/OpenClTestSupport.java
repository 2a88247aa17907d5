package dev.kiln.opencl;


import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import java.util.List;

/**
 * One OpenCL backend shared by the tests of this module (kernel builds are slow on PoCL). Without a device
 * the tests are skipped, unless {@code KILN_REQUIRE_OPENCL=1}, which makes them fail.
 */
final class OpenClTestSupport {
    private static OpenClBackend shared;
    private static Backend reference;

    private OpenClTestSupport() {
    }

    /** The devices found, after checking that there is at least one. */
    static List<ClDevice> devices() {
        OpenClRequirement.check();
        return ClDevices.discover();
    }

    /** The shared backend on the default device, binary cache off. */
    static synchronized OpenClBackend backend() {
        if (shared == null) {
            List<ClDevice> devices = devices();
            shared = new OpenClBackend(devices.get(ClDevices.defaultIndex(devices)), null);
        }
        return shared;
    }

    /** The CPU backend, the reference of the parity tests. */
    static synchronized Backend reference() {
        if (reference == null) {
            reference = Backends.select("cpu");
        }
        return reference;
    }
}
