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
            backend.launch(dtype, KernelFamily.GEMM, "gemm_pack_a", shapes)
                    .integer(m).integer(k).integer(flag(transposeA)).buffer(a).buffer(packedA)
                    .run2d(backend.queue(), (k + tuning.vectorWidth() - 1) / tuning.vectorWidth(), rowBlocks, 16, 1);
            backend.launch(dtype, KernelFamily.GEMM, "gemm_pack_b", shapes)
                    .integer(n).integer(k).integer(flag(transposeB)).buffer(b).buffer(packedB)
                    .run2d(backend.queue(), k, columnBlocks, 16, 1);
            int slice = tuning.depthBlock() > 0 ? tuning.depthBlock() : k;
            long[] global = {KernelLaunch.roundUp(rowBlocks, tuning.groupRows()), columnBlocks};
            long[] local = {tuning.groupRows(), 1};
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

    private static int flag(boolean value) {
        return value ? 1 : 0;
    }
}
