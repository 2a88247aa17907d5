package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Shape;
import dev.kiln.train.Callback;
import dev.kiln.train.FitOptions;
import dev.kiln.train.TrainingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kernels one training step of the MNIST MLP (784-128-10, ReLU then softmax, Adam, accuracy) enqueues on the
 * device: each launch costs PoCL 10-20 us whatever it computes, so a new one shows here before it shows in a
 * benchmark.
 */
class MlpStepLaunchesTest {
    private static final int INPUTS = 784;
    private static final int CLASSES = 10;

    /** Launches between the start and the end of each step. */
    private static final class StepLaunches implements Callback {
        private final OpenClBackend backend;
        private final List<Long> perStep = new ArrayList<>();
        private long start;

        StepLaunches(OpenClBackend backend) {
            this.backend = backend;
        }

        @Override
        public void onBatchBegin(int epoch, int step, TrainingContext context) {
            start = backend.kernelLaunches();
        }

        @Override
        public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
            perStep.add(backend.kernelLaunches() - start);
        }
    }

    @Test
    void aStepLaunchesThirteenKernelsAtBatch32AndFourteenAt128() {
        // Forward: 2 fused dense layers, softmax, the cross-entropy and its mean (one launch up to 64 rows). Backward:
        // the cross-entropy's, the output bias's sum, 3 products, the hidden layer's ReLU and bias. Adam: the 100,352
        // weights alone, the rest in one group. Accuracy: 1.
        assertEquals(List.of(13L, 13L), launchesPerStep(32));
        assertEquals(List.of(14L, 14L), launchesPerStep(128));
    }

    private static List<Long> launchesPerStep(int batch) {
        OpenClBackend backend = OpenClTestSupport.backend();
        Random random = new Random(batch);
        double[][] x = new double[2 * batch][INPUTS];
        double[][] y = new double[2 * batch][CLASSES];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < INPUTS; j++) {
                x[i][j] = random.nextDouble();
            }
            y[i][random.nextInt(CLASSES)] = 1;
        }
        StepLaunches launches = new StepLaunches(backend);
        try (Sequential model = Sequential.on(backend, new Dense(128, ActivationFunction.RELU),
                new Dense(CLASSES, ActivationFunction.SOFTMAX))) {
            model.compile(Losses.categoricalCrossEntropy(false), new Adam(1e-3),
                    Metrics.accuracyFor(Losses.categoricalCrossEntropy(false)));
            model.build(Shape.of(INPUTS));
            model.fit(x, y, FitOptions.builder().epochs(1).batchSize(batch).shuffle(false).callbacks(launches)
                    .log(false).build());
        }
        return launches.perStep;
    }
}
