package dev.kiln.cpu;

import dev.kiln.KilnSettings;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses between a kernel on the JDK's Vector API and its scalar twin, once per kernel family. */
final class VectorKernels {
    private static final Logger LOG = LoggerFactory.getLogger(VectorKernels.class);

    private VectorKernels() {
    }

    /**
     * The kernel of class {@code vectorClass} (built by its no-argument constructor) when the JVM has the module
     * {@code jdk.incubator.vector} and {@code kiln.cpu.vector} is not "off"; else the scalar one.
     */
    static <T> T fastest(String family, Class<T> type, String vectorClass, Supplier<T> scalar) {
        if ("off".equals(KilnSettings.cpuVector())) {
            LOG.debug("CPU {}: scalar kernel (kiln.cpu.vector=off)", family);
            return scalar.get();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.debug("CPU {}: scalar kernel (--add-modules jdk.incubator.vector gives the vector one)", family);
            return scalar.get();
        }
        try {
            // by name, so that a JVM without the module never loads the class that needs it
            T vector = type.cast(Class.forName(vectorClass).getDeclaredConstructor().newInstance());
            LOG.debug("CPU {}: vector kernel, {}", family, vector);
            return vector;
        } catch (ReflectiveOperationException | LinkageError | UnsupportedOperationException e) {
            LOG.debug("CPU {}: scalar kernel, the vector one is unavailable: {}", family, e.toString());
            return scalar.get();
        }
    }
}
