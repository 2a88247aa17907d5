package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;

/**
 * The CPU backend and the default OpenCL backend, opened together by the tests that compare them. Without an OpenCL
 * device those tests are skipped, unless {@code KILN_REQUIRE_OPENCL=1}, which makes them fail.
 */
public record CpuAndOpenCl(Backend cpu, Backend openCl) implements AutoCloseable {

    /** Opens both, after checking that an OpenCL device exists. */
    public static CpuAndOpenCl open() {
        OpenClRequirement.check();
        return new CpuAndOpenCl(Backends.select("cpu"), Backends.select("opencl"));
    }

    @Override
    public void close() {
        try {
            openCl.close();
        } finally {
            cpu.close();
        }
    }
}
