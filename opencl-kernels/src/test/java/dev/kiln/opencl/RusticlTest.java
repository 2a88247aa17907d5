package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second OpenCL implementation: Mesa's rusticl (Debian package mesa-opencl-icd) on llvmpipe, its software device,
 * passes the parity catalogue as itself and emulating a GPU ({@link RusticlWorkload}). It allows every kernel 32
 * work-items per group, fewer than our launches ask for, so it checks that they adapt on a real runtime.
 */
class RusticlTest {
    private static final Path ICD = Path.of("/etc/OpenCL/vendors/rusticl.icd");
    private static final long TIMEOUT_SECONDS = 900;

    @TempDir
    Path directory;

    @Test
    void parityCatalogueOnRusticl() {
        ExternalTool.require(Files.isRegularFile(ICD), "Mesa's rusticl (Debian package mesa-opencl-icd)");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // rusticl compiles with LLVM, which replaces the JVM's signal handlers unless they are chained
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        ExternalTool run = ExternalTool.run(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                        RusticlWorkload.class.getName()),
                Map.of("OCL_ICD_VENDORS", ICD.toString(), "RUSTICL_ENABLE", "llvmpipe", "LD_PRELOAD", jsig.toString(),
                        "KILN_OPENCL_CACHE", "off", "KILN_OPENCL_FALLBACK", "fail", "KILN_OPENCL_EMULATE", "off"),
                directory, TIMEOUT_SECONDS);
        assertEquals(0, run.exitCode(), run.output());
    }
}
