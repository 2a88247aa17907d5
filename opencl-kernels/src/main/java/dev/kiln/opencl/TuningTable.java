package dev.kiln.opencl;

import dev.kiln.backend.DType;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * Kernel tuning per device class. Gemm: rows are tried in order and the first whose device type and vendor match
 * wins; "*" matches anything, so each device type has a default and the last row is the default of all. Vector
 * kernels: a vector width per device type.
 */
final class TuningTable {
    private record Row(String type, String vendor, BiFunction<ClDevice, DType, GemmTuning> tuning) {
        boolean matches(ClDevice device) {
            return (type.equals("*") || type.equals(device.info().type()))
                    && (vendor.equals("*") || device.info().vendor().toLowerCase(Locale.ROOT).contains(vendor));
        }
    }

    // CPU devices (PoCL and the like): register blocking in the widest vectors the device prefers. Where they are
    // 512 bits wide (AVX-512, 32 registers), 6 rows x 4 vectors: 24 accumulators, 4 vectors of b and a broadcast,
    // 24 fused multiply-adds per 10 loads where 8 x 2 did 16 (7 x 4 spills); in work-groups of 16 row blocks of one
    // column block, whose items run one after another on one b panel while it stays in cache (local memory would
    // only add barriers: a barrier per k chunk cost 10%). Against 8 x 2 in groups of 8 x 8 on PoCL (Xeon, AVX-512):
    // 1.14-1.24x at the MLP's three products, 1.04x at 512^3, 1.14x at 1024^3 and 2048^3. Narrower vectors (AVX2,
    // 16 registers) keep the earlier 8 x 2 in groups of 8 x 8, since no such device was measured; `kiln tune`
    // searches both shapes on the device.
    // k slices of 512 where the partial products fit (GemmSplit).
    // GPUs: 32 x 32 local-memory tiles, 8 outputs per work-item (work-groups of 128), k split into slices of 1024
    // so that a weight gradient (c of 288 x 64, k of 15488: 18 tiles) runs on hundreds of work-groups, not 18.
    private static final List<Row> ROWS = List.of(
            new Row("cpu", "*", TuningTable::registerBlocked),
            new Row("gpu", "*", (device, dtype) -> new GemmTuning(false, 8, 4, 1, 1, 1, 1024, 32, 8, 16 * 16 * 16)),
            new Row("*", "*", (device, dtype) -> new GemmTuning(false, 8, 4, 1, 1, 1, 1024, 16, 4, 16 * 16 * 16)));

    private TuningTable() {
    }

    /**
     * Elements per work-item of the vector kernels: the _vector kernels of windows.cl (channels), the element-wise
     * ones of elementwise.cl. CPU devices: one cache line (16 floats, 8 doubles), since each work-item costs a fixed
     * overhead there; on PoCL at [128, 13, 13, 32] 16 floats ran most of the six window kernels 2-4x faster than 4
     * and up to 2x faster than 8, and ReLU over 2.8M floats 5x faster than one element per work-item (a shared,
     * noisy machine). GPUs and others: 4, one 128-bit load per work-item for floats, neighbouring work-items still
     * reading neighbouring memory, and every multiple of 4 channels takes the vector path.
     */
    static int lanes(ClDevice device, DType dtype) {
        return device.info().type().equals("cpu") ? 64 / dtype.bytes() : 4;
    }

    private static GemmTuning registerBlocked(ClDevice device, DType dtype) {
        int width = Math.max(4, Math.min(16, device.preferredWidth(dtype)));
        return width * dtype.bytes() >= 64
                ? new GemmTuning(true, 6, width, 4, 16, 1, 512, 32, 8, 32 * 32 * 32)
                : new GemmTuning(true, 8, width, 2, 8, 8, 512, 32, 8, 32 * 32 * 32);
    }

    /** The gemm tuning for {@code device} computing in {@code dtype}. */
    static GemmTuning gemm(ClDevice device, DType dtype) {
        return ROWS.stream().filter(row -> row.matches(device)).findFirst().orElseThrow()
                .tuning().apply(device, dtype);
    }
}
