package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Shape;
import dev.kiln.train.Callback;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import dev.kiln.train.TrainingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * On a device, fit queues the next step before it waits for a step's loss, unless a callback reads each step's loss
 * as it ends; both train alike.
 */
class StepPipelineTest {
    private static final int SAMPLES = 48;
    private static final int BATCH = 8;

    /** The upload copies still held as each step after the first begins: none once the host has waited. */
    private static final class HeldUploads implements Callback {
        private final OpenClBackend backend;
        private final List<Long> held = new ArrayList<>();

        HeldUploads(OpenClBackend backend) {
            this.backend = backend;
        }

        @Override
        public void onBatchBegin(int epoch, int step, TrainingContext context) {
            if (step > 1) {
                held.add(backend.pendingUploadBytes());
            }
        }
    }

    /** Reads each step's loss as it ends. */
    private static final class StepLosses implements Callback {
        private final List<Double> losses = new ArrayList<>();

        @Override
        public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
            losses.add(loss);
        }
    }

    private record Run(History history, List<double[]> weights, List<Long> held) {
    }

    private static Run fit(Callback... more) {
        OpenClBackend backend = OpenClTestSupport.backend();
        Random random = new Random(4);
        double[][] x = new double[SAMPLES][5];
        double[][] y = new double[SAMPLES][1];
        for (int i = 0; i < SAMPLES; i++) {
            for (int j = 0; j < 5; j++) {
                x[i][j] = random.nextGaussian();
            }
            y[i][0] = x[i][0] - 0.5 * x[i][3];
        }
        HeldUploads held = new HeldUploads(backend);
        List<Callback> callbacks = new ArrayList<>(List.of(more));
        callbacks.add(held);
        try (Sequential model = Sequential.on(backend, new Dense(7, ActivationFunction.TANH), new Dense(1)).seed(8)) {
            model.compile(Losses.mse(), new Adam(0.01));
            model.build(Shape.of(5));
            History history = model.fit(x, y, FitOptions.builder().epochs(3).batchSize(BATCH).seed(1)
                    .callbacks(callbacks.toArray(new Callback[0])).log(false).build());
            List<double[]> weights = model.parameters().stream().map(p -> p.toDoubleArray()).toList();
            return new Run(history, weights, held.held);
        }
    }

    @Test
    void theHostQueuesTheNextStepBeforeWaitingUnlessACallbackReadsEachLoss() {
        Run behind = fit();
        StepLosses losses = new StepLosses();
        Run eachStep = fit(losses);
        assertEquals(3 * (SAMPLES / BATCH - 1), behind.held().size());
        assertTrue(behind.held().stream().allMatch(bytes -> bytes > 0),
                "the previous step's uploads are still held: nothing waited for it " + behind.held());
        assertTrue(eachStep.held().stream().allMatch(bytes -> bytes == 0),
                "reading each loss waits for each step " + eachStep.held());
        assertEquals(3 * SAMPLES / BATCH, losses.losses.size());
        assertArrayEquals(eachStep.history().series("loss"), behind.history().series("loss"));
        for (int i = 0; i < behind.weights().size(); i++) {
            assertArrayEquals(eachStep.weights().get(i), behind.weights().get(i));
        }
    }
}
