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

    // CPU devices (PoCL and the like): register blocking in the widest vectors the device prefers; 8 rows x 2
    // vectors keeps 16 accumulators in AVX-512's 32 registers (local memory would only add barriers). Work-groups
    // of 8 x 8 blocks measured best overall on PoCL from 128x784x128 to 2048^3 (groups of 32 x 8 lost half the
    // speed below 1024^3), and k slices of 512 where the partial products fit (GemmSplit).
    // GPUs: 32 x 32 local-memory tiles, 8 outputs per work-item (work-groups of 128), k split into slices of 1024
    // so that a weight gradient (c of 288 x 64, k of 15488: 18 tiles) runs on hundreds of work-groups, not 18.
    private static final List<Row> ROWS = List.of(
            new Row("cpu", "*", (device, dtype) -> new GemmTuning(true, 8,
                    Math.max(4, Math.min(16, device.preferredWidth(dtype))), 2, 8, 8, 512, 32, 8, 32 * 32 * 32)),
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

    /** The gemm tuning for {@code device} computing in {@code dtype}. */
    static GemmTuning gemm(ClDevice device, DType dtype) {
        return ROWS.stream().filter(row -> row.matches(device)).findFirst().orElseThrow()
                .tuning().apply(device, dtype);
    }
}
