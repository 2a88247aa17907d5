package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU kernels under Oclgrind (Debian package oclgrind), a simulated GPU that checks every memory access: gemm in
 * every transpose case at the GPU tiling, the reductions, softmax and a short training run ({@link OclgrindWorkload})
 * pass their parity cases with no out-of-bounds access, data race, barrier divergence or API error reported.
 * Uninitialised-value checking stays off: Oclgrind 21.10 stops with "Unsupported instruction: freeze" on the code
 * its own clang emits for the reductions, and with {@code -cl-opt-disable} reports values the host did write as
 * undefined (its shadow of a buffer shrinks to the last host write, copy or fill element; docs/ARCHITECTURE.md).
 */
class OclgrindTest {
    private static final long TIMEOUT_SECONDS = 600;

    /** What one program printed and what Oclgrind logged while it ran. */
    private record Run(ExternalTool program, String diagnostics) {
    }

    @TempDir
    Path directory;

    @BeforeEach
    void findOclgrind() {
        ExternalTool version = ExternalTool.run(List.of("oclgrind", "--version"), Map.of(), directory, 60);
        ExternalTool.require(version.exitCode() == 0, "Oclgrind (Debian package oclgrind)");
    }

    @Test
    void gpuKernelsRunCleanUnderOclgrind() throws IOException {
        Run run = underOclgrind(OclgrindWorkload.class);
        assertEquals("", run.diagnostics().strip(), "Oclgrind reported:\n" + run.diagnostics());
        assertEquals(0, run.program().exitCode(), run.program().output());
    }

    @Test
    void aWritePastTheEndOfABufferIsReported() throws IOException {
        Run run = underOclgrind(OclgrindFault.class);
        assertEquals(0, run.program().exitCode(), run.program().output());
        assertTrue(run.diagnostics().contains("Invalid write") && run.diagnostics().contains("past_the_end"),
                run.diagnostics());
    }

    /** Runs {@code main} in a JVM of its own under Oclgrind, with race detection and API checks on. */
    private Run underOclgrind(Class<?> main) throws IOException {
        Path log = directory.resolve("oclgrind.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // oclgrind puts its runtime first on LD_PRELOAD, ahead of the signal chaining the JVM needs beside LLVM.
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        ExternalTool program = ExternalTool.run(List.of("oclgrind", "--data-races", "--check-api", "--log",
                        log.toString(), java.toString(), "-cp", System.getProperty("java.class.path"),
                        main.getName()),
                Map.of("LD_PRELOAD", jsig.toString(), "KILN_OPENCL_CACHE", "off", "KILN_OPENCL_FALLBACK", "fail",
                        "KILN_OPENCL_EMULATE", "off"),
                directory, TIMEOUT_SECONDS);
        return new Run(program, Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
    }
}
