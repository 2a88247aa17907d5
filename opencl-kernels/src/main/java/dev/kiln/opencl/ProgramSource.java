package dev.kiln.opencl;

import dev.kiln.backend.DType;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The complete text of one program: tuning {@code #define}s, then the prelude, then a family's kernels.
 *
 * @param name a label for messages, e.g. "gemm.cl (F32)"
 * @param defines macro values, sorted so equal tunings give equal text
 * @param text the source handed to the compiler
 */
record ProgramSource(String name, SortedMap<String, String> defines, String text) {

    /**
     * The program the backend builds: {@code family} in {@code dtype} with a device's gemm tuning and vector lanes,
     * 64-bit index arithmetic when {@code wide}, else 32-bit, grid-stride loops when {@code gridStride}, and
     * reduce.cl's row kernels in work-groups of {@code rowGroup}.
     */
    static ProgramSource of(KernelFamily family, DType dtype, GemmTuning gemm, int lanes, boolean wide,
                            boolean gridStride, int rowGroup) {
        Map<String, String> defines = new HashMap<>();
        defines.put("PRECISION", dtype == DType.F64 ? "64" : "32");
        defines.put("INDEX_BITS", wide ? "64" : "32");
        defines.put("GRID_STRIDE", gridStride ? "1" : "0");
        // Every family's VW is what the host divides its work by: the gemm's tuning, the device's lanes elsewhere.
        if (family == KernelFamily.GEMM) {
            defines.putAll(gemm.defines());
        } else {
            defines.put("VW", Integer.toString(lanes));
        }
        if (family == KernelFamily.REDUCE) {
            defines.put("RWG", Integer.toString(rowGroup));
        }
        return of(family, dtype.name(), defines);
    }

    /** Assembles {@code family} with the given macro values. */
    static ProgramSource of(KernelFamily family, String label, Map<String, String> defines) {
        SortedMap<String, String> sorted = new TreeMap<>(defines);
        StringBuilder text = new StringBuilder();
        sorted.forEach((key, value) -> text.append("#define ").append(key).append(' ').append(value).append('\n'));
        text.append(KernelFamily.load(KernelFamily.PRELUDE)).append('\n').append(family.source());
        return new ProgramSource(family.resource() + " (" + label + ")", sorted, text.toString());
    }
}
