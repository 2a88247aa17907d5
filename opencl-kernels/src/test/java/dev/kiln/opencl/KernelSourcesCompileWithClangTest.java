package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every program the backend can build, in each precision and each tuning the tuning table can select, compiles
 * under clang for SPIR without errors or warnings and calls no function it does not define: PoCL forgives what GPU
 * drivers reject (a plain C99 {@code inline} helper has no definition of its own, for one).
 */
class KernelSourcesCompileWithClangTest {
    private static Clang clang;

    @TempDir
    Path directory;

    @BeforeAll
    static void findClang() throws Exception {
        clang = Clang.find();
        String missing = "clang is not installed (Debian package 'clang'); the second compiler check needs it";
        if (KilnSettings.requireOpenCl()) {
            assertNotNull(clang, missing + ", and KILN_REQUIRE_OPENCL requires it");
        } else {
            assumeTrue(clang != null, missing);
        }
    }

    @Test
    void everyProgramCompilesAndDefinesWhatItCalls() throws Exception {
        List<String> failures = new ArrayList<>();
        int compiled = 0;
        for (KernelPrograms.Build build : KernelPrograms.all()) {
            ProgramSource program = build.source();
            // -O0 keeps every call, so a helper without a definition shows even where -O2 would inline it away.
            for (String optimisation : List.of("-O0", "-O2")) {
                String label = build.label() + " " + optimisation;
                Clang.Result result = clang.compile(program.text(), build.fp64(), optimisation, build.options(),
                        directory);
                if (result.exitCode() != 0) {
                    failures.add(label + " does not compile:\n" + result.messages());
                } else if (!clang.undefinedFunctions(result.ir()).isEmpty()) {
                    failures.add(label + " calls undefined " + clang.undefinedFunctions(result.ir()));
                }
                compiled++;
            }
        }
        assertEquals(List.of(), failures, String.join("\n", failures));
        // Both precisions of every family, and the gemm variants of the CPU vector widths and of GPUs.
        assertTrue(compiled >= 2 * 2 * (KernelFamily.values().length + 3), "only " + compiled + " compilations");
    }

    @Test
    void aPlainInlineHelperIsReportedAsUndefined() throws Exception {
        String source = "inline float twice(float x) { return x + x; }\n"
                + "__kernel void doubled(__global float* x) { x[get_global_id(0)] = twice(x[get_global_id(0)]); }\n";
        Clang.Result result = clang.compile(source, false, "-O0", "", directory);
        assertEquals(0, result.exitCode(), result.messages());
        assertEquals(List.of("twice"), clang.undefinedFunctions(result.ir()));
        String fixed = "static " + source;
        assertEquals(List.of(), clang.undefinedFunctions(clang.compile(fixed, false, "-O0", "", directory).ir()));
    }

    @Test
    void aDoubleInAFloatProgramFailsToCompile() throws Exception {
        String source = "__kernel void widened(__global float* x) { double d = x[0]; x[0] = (float) (d * d); }\n";
        assertTrue(clang.compile(source, false, "-O2", "", directory).exitCode() != 0);
        assertEquals(0, clang.compile(source, true, "-O2", "", directory).exitCode());
    }
}
