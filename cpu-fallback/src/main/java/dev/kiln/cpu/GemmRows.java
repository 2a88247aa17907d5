package dev.kiln.cpu;

/**
 * The inner kernel of {@link FloatGemm}: adds one unit's products into the accumulators of its rows, in the summation
 * order {@link FloatGemm} documents, so that every implementation gives the same bits.
 */
interface GemmRows {
    /** Adds left[row, p] * panel[p][j] over the unit's depth to accumulators[row - firstRow][j], j below its width. */
    void accumulate(GemmPlan plan, int unit, float[] left, float[][] panel, float[][] accumulators);

    /** The vector kernel when the JVM has the Vector API module and {@code kiln.cpu.vector} is not "off"; else scalar. */
    static GemmRows fastest() {
        return VectorKernels.fastest("gemm", GemmRows.class, "dev.kiln.cpu.VectorGemmRows", ScalarGemmRows::new);
    }
}
