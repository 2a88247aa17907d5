package dev.kiln.cpu;

import dev.kiln.KilnSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inner kernel of {@link FloatGemm}: adds one unit's products into the accumulators of its rows, in the summation
 * order {@link FloatGemm} documents, so that every implementation gives the same bits.
 */
interface GemmRows {
    /** Adds left[row, p] * panel[p][j] over the unit's depth to accumulators[row - firstRow][j], j below its width. */
    void accumulate(GemmPlan plan, int unit, float[] left, float[][] panel, float[][] accumulators);

    /** The vector kernel when the JVM has the Vector API module and {@code kiln.cpu.vector} is not "off"; else scalar. */
    static GemmRows fastest() {
        Logger log = LoggerFactory.getLogger(GemmRows.class);
        if ("off".equals(KilnSettings.cpuVector())) {
            log.debug("CPU gemm: scalar kernel (kiln.cpu.vector=off)");
            return new ScalarGemmRows();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.debug("CPU gemm: scalar kernel (--add-modules jdk.incubator.vector gives the vector one)");
            return new ScalarGemmRows();
        }
        try {
            // by name, so that a JVM without the module never loads the class that needs it
            GemmRows vector = (GemmRows) Class.forName("dev.kiln.cpu.VectorGemmRows").getDeclaredConstructor()
                    .newInstance();
            log.debug("CPU gemm: vector kernel, {}", vector);
            return vector;
        } catch (ReflectiveOperationException | LinkageError | UnsupportedOperationException e) {
            log.debug("CPU gemm: scalar kernel, the vector one is unavailable: {}", e.toString());
            return new ScalarGemmRows();
        }
    }
}
