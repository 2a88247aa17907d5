package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The CPU backend and the default OpenCL backend, opened before a test class that compares them and closed after
 * it (register it as a static field with {@code @RegisterExtension}). Without an OpenCL device the class is skipped,
 * unless {@code KILN_REQUIRE_OPENCL=1}, which makes it fail.
 */
public final class CpuAndOpenCl implements BeforeAllCallback, AfterAllCallback {
    private Backend cpu;
    private Backend openCl;

    @Override
    public void beforeAll(ExtensionContext context) {
        OpenClRequirement.check();
        cpu = Backends.select("cpu");
        openCl = Backends.select("opencl");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (openCl != null) {
                openCl.close();
            }
        } finally {
            if (cpu != null) {
                cpu.close();
            }
        }
    }

    public Backend cpu() {
        return cpu;
    }

    public Backend openCl() {
        return openCl;
    }
}
