package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * device, and the kernel arguments it sets: each launch costs PoCL 10-20 us whatever it computes and each argument
 * set about a microsecond more, so a new one shows here before it shows in a benchmark.
 */
class MlpStepLaunchesTest {
    private static final int INPUTS = 784;
    private static final int CLASSES = 10;

    /** Launches, and arguments set, between the start and the end of each step. */
    private static final class StepLaunches implements Callback {
        private final OpenClBackend backend;
        private final List<Long> perStep = new ArrayList<>();
        private final List<Long> argumentsPerStep = new ArrayList<>();
        private long start;
        private long argumentsStart;

        StepLaunches(OpenClBackend backend) {
            this.backend = backend;
        }

        @Override
        public void onBatchBegin(int epoch, int step, TrainingContext context) {
            start = backend.kernelLaunches();
            argumentsStart = backend.kernelArgumentsSet();
        }

        @Override
        public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
            perStep.add(backend.kernelLaunches() - start);
            argumentsPerStep.add(backend.kernelArgumentsSet() - argumentsStart);
        }
    }

    @Test
    void aStepLaunchesTwelveKernelsAtBatch32AndThirteenAt128() {
        // Forward: 2 fused dense layers, softmax, the cross-entropy and its mean (one launch up to 64 rows). Backward:
        // the cross-entropy's, the output bias's sum, 3 products, the hidden layer's ReLU and bias. Adam: all four
        // parameters in one group. Accuracy: 1.
        assertEquals(List.of(12L, 12L, 12L), steps(32).perStep);
        assertEquals(List.of(13L, 13L, 13L), steps(128).perStep);
    }

    @Test
    void aStepAfterTheFirstSetsOnlyTheArgumentsThatChanged() {
        // The first step sets every argument of each kernel object's first launch. Later steps set what changed:
        // Adam's bias corrections and the buffers of the gradients, which alternate between two blocks of the pool
        // (a parameter's new gradient exists before it lets go of the old one); each shape of a gemm kernel keeps
        // its own kernel object. When this was written: 15 arguments a step at batch 32 and 17 at batch 128, against
        // 63-191 in the first step and about 190 passed a step.
        for (int batch : new int[] {32, 128}) {
            List<Long> arguments = steps(batch).argumentsPerStep;
            for (int step = 1; step < arguments.size(); step++) {
                assertTrue(arguments.get(step) < arguments.get(0) && arguments.get(step) <= 25,
                        "batch " + batch + ": arguments set per step " + arguments);
            }
        }
    }

    private static StepLaunches steps(int batch) {
        OpenClBackend backend = OpenClTestSupport.backend();
        Random random = new Random(batch);
        double[][] x = new double[3 * batch][INPUTS];
        double[][] y = new double[3 * batch][CLASSES];
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
        return launches;
    }
}
