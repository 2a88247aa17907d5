package dev.kiln.cpu;

/**
 * The inner kernel of {@link FloatGemm}: adds one unit's products into the accumulators of its rows, in the summation
 * order {@link FloatGemm} documents, so that every implementation gives the same bits.
 */
interface GemmRows {
    /**
     * Adds left[row, p] * right[p, j] over the unit's depth to accumulators[row - firstRow][j], j below its width:
     * {@code panel} holds the unit's block of the right operand packed into rows (panel[p][j]), or is null when
     * {@link #readsPanel} said that this kernel reads {@code right} itself.
     */
    void accumulate(GemmPlan plan, int unit, float[] left, float[] right, float[][] panel, float[][] accumulators);

    /** Whether {@link #accumulate} needs the unit's packed panel. */
    default boolean readsPanel(GemmPlan plan, int unit) {
        return true;
    }

    /** The vector kernel when the JVM has the Vector API module and {@code kiln.cpu.vector} is not "off"; else scalar. */
    static GemmRows fastest() {
        return VectorKernels.fastest("gemm", GemmRows.class, "dev.kiln.cpu.VectorGemmRows", ScalarGemmRows::new);
    }
}
