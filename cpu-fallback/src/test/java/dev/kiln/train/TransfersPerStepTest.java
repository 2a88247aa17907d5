package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.backend.TransferStats;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Input;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.regularizer.Regularizers;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A training step reads one value from the device, its total loss, and only after the parameter updates were
 * queued; per-output losses, the regularization penalty and metrics stay on the device until the epoch's one read.
 */
class TransfersPerStepTest {
    private static final int SAMPLES = 10;
    private static final int BATCH = 4;
    private static final int STEPS = 3;
    private static final int EPOCHS = 2;

    private Backend cpu;
    private Backend recording;
    private final List<String> calls = new ArrayList<>();

    @BeforeEach
    void open() {
        cpu = Backends.select("cpu");
        recording = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, arguments) -> {
                    synchronized (calls) {
                        calls.add(method.getName());
                        // A group update counts once per parameter it updates.
                        if (method.getName().equals("updateGroup")) {
                            for (Object ignored : (Object[]) arguments[2]) {
                                calls.add("update");
                            }
                        }
                    }
                    try {
                        return method.invoke(cpu, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @AfterEach
    void close() {
        cpu.close();
    }

    /** Marks the start and end of each step in the call record. */
    private final class StepMarks implements Callback {
        @Override
        public void onBatchBegin(int epoch, int step, TrainingContext context) {
            calls.add("STEP");
        }

        @Override
        public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
            calls.add("END");
        }
    }

    private static double[][] rows(int width, double scale) {
        double[][] r = new double[SAMPLES][width];
        for (int i = 0; i < SAMPLES; i++) {
            for (int k = 0; k < width; k++) {
                r[i][k] = Math.sin(scale * (i + 1) * (k + 2));
            }
        }
        return r;
    }

    /** Checks every recorded step: one read, after the last update; returns the number of updates per step. */
    private int checkSteps(int parameters) {
        int steps = 0;
        int start = -1;
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).equals("STEP")) {
                start = i;
            } else if (calls.get(i).equals("END")) {
                List<String> step = calls.subList(start, i);
                assertEquals(1, step.stream().filter(c -> c.equals("downloadLater")).count(), "reads in " + step);
                assertEquals(parameters, step.stream().filter(c -> c.equals("update")).count(), "updates in " + step);
                assertTrue(step.lastIndexOf("update") < step.indexOf("downloadLater"),
                        "read before an update: " + step);
                steps++;
            }
        }
        return steps;
    }

    private TransferStats fitAndCount(Model model, Runnable fit) {
        model.build(model.inputShapes());
        TransferStats before = cpu.transfers();
        calls.clear();
        fit.run();
        return cpu.transfers().since(before);
    }

    @Test
    void aSingleOutputStepReadsOnlyItsLoss() {
        try (Sequential model = Sequential.on(recording, new Dense(4, ActivationFunction.TANH), new Dense(1))) {
            model.compile(Losses.mse(), new Adam(0.01));
            model.build(dev.kiln.tensor.Shape.of(3));
            TransferStats before = cpu.transfers();
            calls.clear();
            model.fit(rows(3, 0.3), rows(1, 0.7), FitOptions.builder().epochs(EPOCHS).batchSize(BATCH)
                    .callbacks(new StepMarks()).log(false).build());
            TransferStats used = cpu.transfers().since(before);
            assertEquals(EPOCHS * STEPS, checkSteps(4));
            // one F32 loss per step and nothing else: no metrics to read at the epoch's end
            assertEquals(EPOCHS * STEPS, used.downloads());
            assertEquals(EPOCHS * STEPS * Float.BYTES, used.downloadedBytes());
        }
    }

    @Test
    void aMultiOutputRegularizedStepStillReadsOneValue() {
        SymbolicTensor x = Input.of("x", 3);
        SymbolicTensor z = Input.of("z", 2);
        SymbolicTensor h = new Dense(4, ActivationFunction.TANH).kernelRegularizer(Regularizers.l2(0.01)).call(x);
        SymbolicTensor score = new Dense(1).named("score").call(h);
        SymbolicTensor other = new Dense(2).named("other").biasRegularizer(Regularizers.l1(0.1))
                .call(new dev.kiln.layer.Concatenate().call(h, z));
        try (Model model = Model.on(recording, List.of(x, z), List.of(score, other)).dtype(DType.F64)) {
            model.compile(Map.of("score", Losses.mse(), "other", Losses.mae()), LossWeights.of(1, 0.5),
                    new Adam(0.01), Map.of("score", List.of(Metrics.mae())));
            TransferStats used = fitAndCount(model, () -> model.fit(Map.of("x", rows(3, 0.3), "z", rows(2, 0.2)),
                    Map.of("score", rows(1, 0.7), "other", rows(2, 0.9)), FitOptions.builder().epochs(EPOCHS)
                            .batchSize(BATCH).callbacks(new StepMarks()).log(false).build()));
            assertEquals(EPOCHS * STEPS, checkSteps(6));
            // per step the F64 total loss; per epoch one read of the four device totals
            // (score_loss, other_loss, regularization_loss, score_mae)
            assertEquals(EPOCHS * STEPS + EPOCHS, used.downloads());
            assertEquals((EPOCHS * STEPS + EPOCHS * 4L) * Double.BYTES, used.downloadedBytes());
        }
    }

    /**
     * The MNIST MLP's step, call by call: the loss's mean and the accuracy are one call each (no fill and multiply
     * expanding the mean's gradient, no argmax, compare, sum and add for the accuracy), the parameters take the
     * gradients the backward pass made without copying them, and the loss's own gradient, ones, is kept from the
     * first step instead of filled in every step.
     */
    @Test
    void aClassifierStepMakesEachCallItNeedsOnce() {
        double[][] labels = new double[SAMPLES][3];
        for (int i = 0; i < SAMPLES; i++) {
            labels[i][i % 3] = 1;
        }
        try (Sequential model = Sequential.on(recording, new Dense(5, ActivationFunction.RELU),
                new Dense(3, ActivationFunction.SOFTMAX))) {
            model.compile(Losses.categoricalCrossEntropy(false), new Adam(0.01),
                    Metrics.accuracyFor(Losses.categoricalCrossEntropy(false)));
            model.build(dev.kiln.tensor.Shape.of(4));
            calls.clear();
            model.fit(rows(4, 0.3), labels, FitOptions.builder().epochs(1).batchSize(BATCH)
                    .callbacks(new StepMarks()).log(false).build());
            // The last step: the first one also creates the optimizer's zeroed state.
            int start = calls.lastIndexOf("STEP");
            Set<String> bookkeeping = Set.of("allocate", "free", "lock", "isClosed", "supports",
                    "hashCode");
            Map<String, Long> step = new TreeMap<>();
            calls.subList(start + 1, calls.lastIndexOf("END")).stream().filter(c -> !bookkeeping.contains(c))
                    .forEach(c -> step.merge(c, 1L, Long::sum));
            assertEquals(Map.ofEntries(Map.entry("upload", 2L), Map.entry("gemmBiasActivation", 2L),
                    Map.entry("softmax", 1L), Map.entry("softmaxCrossEntropyTotal", 1L), Map.entry("reduce", 1L),
                    Map.entry("softmaxCrossEntropyBackward", 1L),
                    Map.entry("gemm", 3L), Map.entry("biasActivationBackward", 1L),
                    Map.entry("updateGroup", 1L), Map.entry("update", 4L), Map.entry("addArgmaxMatches", 1L),
                    Map.entry("downloadLater", 1L)), step);
        }
    }
}
