package dev.kiln.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.opencl.CpuAndOpenCl;
import dev.kiln.backend.DType;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Layers whose training behaviour draws random numbers or moves state agree between the CPU and OpenCL. */
class ModesAcrossBackendsTest {
    @RegisterExtension
    static final CpuAndOpenCl BACKENDS = new CpuAndOpenCl();

    /** The training output of a dense, batch-normalised, dropped-out stack on {@code backend} at {@code step}. */
    private static double[] trainingOutput(Backend backend, long step, double[] movingMean) {
        double[] x = new double[32 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.cos(0.37 * i);
        }
        try (Sequential model = Sequential.on(backend, new Dense(8), new BatchNormalization(), new Dropout(0.5))
                .seed(11);
             MemoryScope scope = MemoryScope.open()) {
            Tensor input = Tensor.of(backend, DType.F32, Shape.of(32, 6), x);
            double[] y = model.forward(input, ForwardContext.training(model.seed(), step)).toDoubleArray();
            System.arraycopy(model.layers().get(1).state().get(0).toDoubleArray(), 0, movingMean, 0, 8);
            return y;
        }
    }

    @Test
    void dropoutMasksAndRunningStatisticsAreTheSameOnEveryBackend() {
        double[] cpuMean = new double[8];
        double[] clMean = new double[8];
        double[] onCpu = trainingOutput(BACKENDS.cpu(), 5, cpuMean);
        double[] onOpenCl = trainingOutput(BACKENDS.openCl(), 5, clMean);
        long dropped = Arrays.stream(onCpu).filter(v -> v == 0).count();
        assertTrue(dropped > 64 && dropped < 192, "about half of 256 elements dropped, got " + dropped);
        for (int i = 0; i < onCpu.length; i++) {
            assertEquals(onCpu[i] == 0, onOpenCl[i] == 0, "element " + i + " dropped on one backend only");
        }
        assertArrayEquals(onCpu, onOpenCl, 1e-4);
        assertArrayEquals(cpuMean, clMean, 1e-5);
        double[] nextStep = trainingOutput(BACKENDS.openCl(), 6, clMean);
        assertTrue(!Arrays.equals(onOpenCl, nextStep), "another step draws another mask");
    }
}
