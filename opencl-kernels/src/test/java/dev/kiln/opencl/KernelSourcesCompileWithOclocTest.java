package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every program the backend builds on a GPU, in each precision and GPU tuning, compiles to machine code with Intel's
 * GPU compiler ({@code ocloc}, Debian package intel-opencl-icd), offline: float programs for an Arc card (DG2, Xe-HPG),
 * double programs for a GPU with fp64 (Ponte Vecchio, Xe-HPC), since Arc has none and the backend builds doubles only
 * where the device reports cl_khr_fp64. The CPU tunings are left out: no GPU driver builds them, and clang checks them.
 */
class KernelSourcesCompileWithOclocTest {
    private static final String FLOAT_TARGETS = "dg2-g10";
    private static final String DOUBLE_TARGETS = "pvc";
    private static final long SECONDS_PER_PROGRAM = 120;

    @TempDir
    Path directory;

    @BeforeAll
    static void findOcloc(@TempDir Path directory) {
        ExternalTool help = ExternalTool.run(List.of("ocloc", "-h"), Map.of(), directory, 60);
        ExternalTool.require(help.exitCode() == 0, "Intel's offline compiler ocloc (Debian package intel-opencl-icd)"
                + " (ocloc -h gave " + help.exitCode() + ": " + help.output().strip() + ")");
    }

    @Test
    void everyProgramCompilesForIntelGpus() throws IOException {
        List<String> failures = new ArrayList<>();
        for (KernelPrograms.Build build : KernelPrograms.forGpus()) {
            String targets = build.fp64() ? DOUBLE_TARGETS : FLOAT_TARGETS;
            ExternalTool result = compile(build.source().text(), targets, build.options());
            if (result.exitCode() != 0) {
                failures.add(build.label() + " for " + targets + ":\n" + result.output());
            }
        }
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    @Test
    void aDoubleProgramFailsForTheGpuWithoutFp64() throws IOException {
        String source = "__kernel void squared(__global double* x) { x[0] = x[0] * x[0]; }\n";
        assertNotEquals(0, compile(source, FLOAT_TARGETS, "").exitCode());
        assertEquals(0, compile(source, DOUBLE_TARGETS, "").exitCode());
    }

    /** Compiles {@code source} as OpenCL C 1.2 with the backend's {@code buildOptions}, warnings as errors. */
    private ExternalTool compile(String source, String targets, String buildOptions) throws IOException {
        Path input = Files.createTempFile(directory, "program", ".cl");
        Files.writeString(input, source, StandardCharsets.UTF_8);
        String options = ("-cl-std=CL1.2 -Werror " + buildOptions).trim();
        return ExternalTool.run(List.of("ocloc", "compile", "-file", input.toString(), "-device", targets,
                "-options", options, "-out_dir", directory.resolve("out").toString()), Map.of(), directory,
                SECONDS_PER_PROGRAM);
    }
}
