package dev.kiln.opencl;

import dev.kiln.backend.DType;
import java.util.function.Supplier;

/**
 * Chooses and launches the gemm kernels: gemm_general for small products, otherwise gemm_register on
 * packed, zero-padded panels (CPU-class devices, k split into cache-sized slices) or gemm_tiled (GPUs).
 */
final class OpenClGemm {
    private final OpenClBackend backend;

    OpenClGemm(OpenClBackend backend) {
        this.backend = backend;
    }

    void run(GemmTuning tuning, boolean transposeA, boolean transposeB, int m, int n, int k,
             double alpha, ClBuffer a, ClBuffer b, double beta, ClBuffer c) {
        DType dtype = c.dtype();
        Supplier<String> shapes = () -> "m=" + m + ", n=" + n + ", k=" + k + ", transposeA=" + transposeA
                + ", transposeB=" + transposeB + ", " + dtype;
        if ((long) m * n * k < tuning.generalBelow()) {
            backend.launch(dtype, KernelFamily.GEMM, "gemm_general", shapes)
                    .integer(m).integer(n).integer(k).integer(flag(transposeA)).integer(flag(transposeB))
                    .real(alpha).buffer(a).buffer(b).real(beta).buffer(c)
                    .run2d(backend.queue(), n, m, 8, 8);
        } else if (tuning.registerBlocked()) {
            registerBlocked(tuning, transposeA, transposeB, m, n, k, alpha, a, b, beta, c, shapes);
        } else {
            int tile = tuning.tile();
            backend.launch(dtype, KernelFamily.GEMM, "gemm_tiled", shapes)
                    .integer(m).integer(n).integer(k).integer(flag(transposeA)).integer(flag(transposeB))
                    .real(alpha).buffer(a).buffer(b).real(beta).buffer(c)
                    .runGroups(backend.queue(), new long[] {KernelLaunch.roundUp(n, tile), KernelLaunch.roundUp(m, tile)
                            / tuning.workPerItem()}, new long[] {tile, tile / tuning.workPerItem()});
        }
    }

    private void registerBlocked(GemmTuning tuning, boolean transposeA, boolean transposeB, int m, int n, int k,
                                 double alpha, ClBuffer a, ClBuffer b, double beta, ClBuffer c, Supplier<String> shapes) {
        DType dtype = c.dtype();
        long rowBlocks = (m + tuning.rows() - 1) / tuning.rows();
        long columnBlocks = (n + tuning.columns() - 1) / tuning.columns();
        ClBuffer packedA = backend.scratch(dtype, rowBlocks * tuning.rows() * k);
        ClBuffer packedB = backend.scratch(dtype, columnBlocks * tuning.columns() * k);
        try {
            backend.launch(dtype, KernelFamily.GEMM, "gemm_pack", shapes)
                    .integer(m).integer(n).integer(k).integer(flag(transposeA)).integer(flag(transposeB))
                    .buffer(a).buffer(b).buffer(packedA).buffer(packedB)
                    .run2d(backend.queue(), (k + tuning.vectorWidth() - 1) / tuning.vectorWidth(),
                            rowBlocks + columnBlocks, 16, 1);
            // Slicing pays only when a b panel would outgrow the cache; below two slices' depth one launch is cheaper.
            int depth = tuning.depthBlock();
            int slices = depth > 0 && k > 2 * depth ? (k + depth - 1) / depth : 1;
            int slice = (k + slices - 1) / slices;
            long[] local = groupShape(tuning, rowBlocks, columnBlocks);
            long[] global = {KernelLaunch.roundUp(rowBlocks, local[0]), KernelLaunch.roundUp(columnBlocks, local[1])};
            for (int k0 = 0; k0 < k; k0 += slice) {
                backend.launch(dtype, KernelFamily.GEMM, "gemm_register", shapes)
                        .integer(m).integer(n).integer(k).integer(k0).integer(Math.min(k, k0 + slice))
                        .real(alpha).buffer(packedA).buffer(packedB).real(k0 == 0 ? beta : 1).buffer(c)
                        .runGroups(backend.queue(), global, local);
            }
        } finally {
            backend.free(packedA);
            backend.free(packedB);
        }
    }

    /**
     * Work-group of groupRows x groupColumns blocks, halved (rows first) until there are enough work-groups to
     * keep every compute unit busy.
     */
    private long[] groupShape(GemmTuning tuning, long rowBlocks, long columnBlocks) {
        long wanted = 4L * backend.device().computeUnits();
        long rows = Math.min(tuning.groupRows(), rowBlocks);
        long columns = Math.min(tuning.groupColumns(), columnBlocks);
        while (groups(rowBlocks, rows) * groups(columnBlocks, columns) < wanted && (rows > 1 || columns > 1)) {
            if (rows > 1) {
                rows = (rows + 1) / 2;
            } else {
                columns = (columns + 1) / 2;
            }
        }
        return new long[] {rows, columns};
    }

    private static long groups(long blocks, long perGroup) {
        return (blocks + perGroup - 1) / perGroup;
    }

    private static int flag(boolean value) {
        return value ? 1 : 0;
    }
}
