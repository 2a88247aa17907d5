package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnSettings;
import dev.kiln.backend.BackendProvider;

/**
 * Whether the OpenCL tests may run: a test fails when OpenCL is required ({@code KILN_REQUIRE_OPENCL}, as in CI) and
 * no device is found, and is skipped, saying why, when it is not required.
 */
public final class OpenClRequirement {
    private OpenClRequirement() {
    }

    /** Fails or skips the calling test unless an OpenCL device is available. */
    public static void check() {
        BackendProvider.Probe probe = new OpenClBackendProvider().probe();
        if (KilnSettings.requireOpenCl()) {
            assertTrue(probe.available(), "OpenCL is required (KILN_REQUIRE_OPENCL) but unavailable: " + probe.reason());
        } else {
            assumeTrue(probe.available(), "no OpenCL device: " + probe.reason());
        }
    }
}
