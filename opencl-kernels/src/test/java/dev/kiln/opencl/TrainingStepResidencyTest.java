package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.TransferStats;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One SGD step of a 3-layer MLP built from ops stays on the device: it transfers exactly the batch in and the
 * loss out, and gives the CPU backend's loss and parameters.
 */
class TrainingStepResidencyTest {
    private static final int BATCH = 32;
    private static final int INPUTS = 20;
    private static final int HIDDEN = 16;
    private static final int CLASSES = 5;
    private static final UpdateParameters SGD = new UpdateParameters(0.1, 0, 0, 0, 0, 1);

    @Test
    void oneStepTransfersOnlyTheBatchAndTheLoss() {
        OpenClBackend backend = OpenClTestSupport.backend();
        long liveBefore = backend.liveBuffers();
        Model model = new Model(backend);
        float[] x = batch(new Random(1));
        float[] y = targets(new Random(2));
        TransferStats before = backend.transfers();
        double loss = model.step(x, y);
        TransferStats step = backend.transfers().since(before);
        assertEquals(new TransferStats(2, (long) (x.length + y.length) * Float.BYTES, 1, Float.BYTES), step);
        assertTrue(loss > 0 && Double.isFinite(loss), "loss " + loss);
        assertTrue(model.step(x, y) < loss, "a second step on the same batch lowers the loss");
        model.close();
        assertEquals(liveBefore, backend.liveBuffers(), "the step and the model free every buffer");
    }

    @Test
    void stepMatchesTheCpuBackend() {
        Model device = new Model(OpenClTestSupport.backend());
        Model cpu = new Model(OpenClTestSupport.reference());
        float[] x = batch(new Random(3));
        float[] y = targets(new Random(4));
        for (int step = 0; step < 3; step++) {
            assertEquals(cpu.step(x, y), device.step(x, y), 1e-5, "loss of step " + step);
        }
        for (int p = 0; p < device.parameters.size(); p++) {
            float[] expected = cpu.parameters.get(p).toFloatArray();
            float[] actual = device.parameters.get(p).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 + 1e-4 * Math.abs(expected[i]), "parameter " + p + "[" + i + "]");
            }
        }
        device.close();
        cpu.close();
    }

    private static float[] batch(Random random) {
        float[] x = new float[BATCH * INPUTS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static float[] targets(Random random) {
        float[] y = new float[BATCH * CLASSES];
        for (int r = 0; r < BATCH; r++) {
            y[r * CLASSES + random.nextInt(CLASSES)] = 1;
        }
        return y;
    }

    /** Three dense layers with ReLU between, parameters from a fixed seed. */
    private static final class Model implements AutoCloseable {
        private final Backend backend;
        private final List<Tensor> parameters = new ArrayList<>();

        Model(Backend backend) {
            this.backend = backend;
            Random random = new Random(7);
            int[][] layers = {{INPUTS, HIDDEN}, {HIDDEN, HIDDEN}, {HIDDEN, CLASSES}};
            for (int[] layer : layers) {
                float[] w = new float[layer[0] * layer[1]];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (random.nextGaussian() * Math.sqrt(2.0 / layer[0]));
                }
                float[] b = new float[layer[1]];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) (0.1 * random.nextGaussian());
                }
                parameters.add(Tensor.of(backend, Shape.of(layer[0], layer[1]), w).keep().requiresGrad(true));
                parameters.add(Tensor.of(backend, Shape.of(layer[1]), b).keep().requiresGrad(true));
            }
        }

        /** Forward, backward and an SGD update on one batch; returns the mean loss before the update. */
        double step(float[] xData, float[] yData) {
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor x = Tensor.of(backend, Shape.of(BATCH, INPUTS), xData);
                Tensor y = Tensor.of(backend, Shape.of(BATCH, CLASSES), yData);
                Tensor h = x;
                for (int layer = 0; layer < 3; layer++) {
                    h = Ops.add(Ops.matmul(h, parameters.get(2 * layer)), parameters.get(2 * layer + 1));
                    if (layer < 2) {
                        h = Ops.relu(h);
                    }
                }
                Tensor loss = Ops.mean(Ops.softmaxCrossEntropy(h, y));
                Autograd.backward(loss);
                for (Tensor p : parameters) {
                    backend.update(UpdateRule.SGD, SGD, p.buffer(), p.grad().buffer());
                    p.zeroGrad();
                }
                return loss.item();
            }
        }

        @Override
        public void close() {
            parameters.forEach(Tensor::close);
        }
    }
}
