package dev.kiln.opencl;

import java.util.Map;

/**
 * Tuning parameters of the gemm kernels for one device class and dtype.
 *
 * @param registerBlocked true for gemm_register (CPU-class devices), false for gemm_tiled (GPUs)
 * @param rows MR: rows of c per work-item of gemm_register
 * @param vectorWidth VW: lanes of the vector type
 * @param vectors NV: vectors per row, so a work-item covers NR = VW * NV columns
 * @param groupRows row blocks per work-group of gemm_register (its a block is reused from cache across the group)
 * @param groupColumns column blocks per work-group of gemm_register (each packed b panel is reused by groupRows items)
 * @param depthBlock k per slice once k exceeds two of them, for products whose partial products fit (0: never split
 *     k; see {@link GemmSplit}): so that a product with few blocks of c still fills the device
 * @param tile TS: tile edge of gemm_tiled
 * @param workPerItem WPT: rows of c per work-item of gemm_tiled
 * @param generalBelow products with m * n * k below this use gemm_general
 */
record GemmTuning(boolean registerBlocked, int rows, int vectorWidth, int vectors, int groupRows, int groupColumns,
                  int depthBlock,
                  int tile, int workPerItem, long generalBelow) {

    /** Columns of c per work-item of gemm_register. */
    int columns() {
        return vectorWidth * vectors;
    }

    /** The macros gemm.cl reads. */
    Map<String, String> defines() {
        return Map.of("MR", Integer.toString(rows), "VW", Integer.toString(vectorWidth),
                "NV", Integer.toString(vectors), "TS", Integer.toString(tile), "WPT", Integer.toString(workPerItem));
    }
}
