package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.ArrayDataset;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FitTest {
    private static final double[][] XOR_X = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    private static final double[][] XOR_Y = {{0}, {1}, {1}, {0}};

    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private Sequential xorModel(long seed) {
        Sequential model = Sequential.on(backend, new Dense(8, ActivationFunction.TANH),
                new Dense(1, ActivationFunction.SIGMOID)).seed(seed);
        Loss loss = Losses.binaryCrossEntropy(false);
        model.compile(loss, new Sgd(1.0), Metrics.accuracyFor(loss));
        return model;
    }

    @Test
    void xorReachesFullAccuracy() {
        try (Sequential model = xorModel(1)) {
            History history = model.fit(XOR_X, XOR_Y, FitOptions.builder().epochs(1500).batchSize(4).log(false).build());
            assertEquals(1500, history.epochs().size());
            assertFalse(history.stoppedEarly());
            assertEquals(1.0, history.last().value("accuracy"));
            assertTrue(history.last().loss() < 0.05, "final loss " + history.last().loss());
            double[][] p = model.predict(XOR_X);
            for (int i = 0; i < 4; i++) {
                assertEquals(XOR_Y[i][0], Math.round(p[i][0]), "prediction " + Arrays.toString(p[i]));
            }
            assertEquals(1.0, model.evaluate(XOR_X, XOR_Y).metric("accuracy"));
        }
    }

    @Test
    void anInterruptedThreadsFitStopsAfterTheStepAndKeepsTheFlag() {
        Callback interrupter = new Callback() {
            @Override
            public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
                if (epoch == 2 && step == 3) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (Sequential model = xorModel(3)) {
            History history = model.fit(XOR_X, XOR_Y, FitOptions.builder().epochs(10).batchSize(1).shuffle(false)
                    .callbacks(interrupter).log(false).build());
            // The epoch it stopped inside is not recorded, as with any stop inside an epoch.
            assertEquals(1, history.epochs().size());
            assertEquals("interrupted at epoch 2, step 3 of 4", history.stopReason());
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt flag is still set for the caller");
        }
    }

    @Test
    void aSeededFitIsReproducible() {
        FitOptions options = FitOptions.builder().epochs(20).batchSize(3).seed(9).log(false).build();
        double[][] x = new double[10][];
        double[][] y = new double[10][];
        for (int i = 0; i < 10; i++) {
            x[i] = new double[] {i / 10.0, (i % 3) / 3.0};
            y[i] = new double[] {(i % 2)};
        }
        try (Sequential a = xorModel(4); Sequential b = xorModel(4)) {
            History ha = a.fit(x, y, options);
            History hb = b.fit(x, y, options);
            assertArrayEquals(ha.series("loss"), hb.series("loss"));
            assertArrayEquals(ha.series("accuracy"), hb.series("accuracy"));
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(a.parameters().get(i).toDoubleArray(), b.parameters().get(i).toDoubleArray());
            }
        }
    }

    @Test
    void validationSplitHoldsOutTheLastSamplesAndUsesThePartialBatch() {
        double[][] x = new double[10][];
        double[][] y = new double[10][];
        for (int i = 0; i < 10; i++) {
            x[i] = new double[] {i / 5.0 - 1};
            y[i] = new double[] {i < 7 ? 2 * x[i][0] : 100};
        }
        List<Integer> stepsPerEpoch = new ArrayList<>();
        Callback counter = new Callback() {
            @Override
            public void onEpochBegin(int epoch, TrainingContext context) {
                stepsPerEpoch.add(0);
            }

            @Override
            public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
                stepsPerEpoch.set(epoch - 1, step);
            }
        };
        try (Sequential model = Sequential.on(backend, new Dense(1))) {
            model.compile(Losses.mse(), new Sgd(0.1));
            History history = model.fit(x, y, FitOptions.builder().epochs(3).batchSize(2).validationSplit(0.3)
                    .callbacks(counter).log(false).build());
            // 7 training samples in batches of 2: three full batches and one of 1.
            assertEquals(List.of(4, 4, 4), stepsPerEpoch);
            // The outliers (label 100) are the last 3 samples: in validation, never trained on.
            assertTrue(history.last().loss() < 10, "train loss " + history.last().loss());
            Evaluation held = model.evaluate(ArrayDataset.of(Arrays.copyOfRange(x, 7, 10), Arrays.copyOfRange(y, 7, 10)));
            assertEquals(3, held.samples());
            // Batches of 2 here and one batch of 3 in evaluate: equal up to F32 rounding.
            assertEquals(held.loss(), history.last().validationLoss(), 1e-6 * held.loss());
            assertTrue(history.last().validationLoss() > 1000);
        }
    }

    @Test
    void separateValidationDataIsEvaluatedEachEpoch() {
        try (Sequential model = xorModel(2)) {
            History history = model.fit(XOR_X, XOR_Y, FitOptions.builder().epochs(3).batchSize(2)
                    .validationData(XOR_X, XOR_Y).log(false).build());
            for (EpochResult e : history.epochs()) {
                assertTrue(e.hasValidation());
                assertTrue(e.validationMetrics().containsKey("accuracy"));
                assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(e.values().keySet()));
                assertTrue(e.seconds() > 0 && e.samplesPerSecond() > 0);
                assertEquals(1.0, e.learningRate());
            }
        }
    }

    @Test
    void aCallbackCanStopTraining() {
        Callback stopAtTwo = new Callback() {
            @Override
            public void onEpochEnd(EpochResult result, TrainingContext context) {
                if (result.epoch() == 2) {
                    context.stop("enough");
                }
            }
        };
        try (Sequential model = xorModel(3)) {
            History history = model.fit(XOR_X, XOR_Y, FitOptions.builder().epochs(10).callbacks(stopAtTwo).log(false).build());
            assertEquals(2, history.epochs().size());
            assertTrue(history.stoppedEarly());
            assertEquals("enough", history.stopReason());
        }
    }

    @Test
    void floatDataTrainsAnF64Model() {
        float[][] x = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        float[][] y = {{0}, {1}, {1}, {0}};
        try (Sequential model = Sequential.on(backend, new Dense(1)).dtype(DType.F64)) {
            model.compile(Losses.mse(), new Sgd(0.1));
            History history = model.fit(x, y, FitOptions.builder().epochs(2).log(false).build());
            assertEquals(2, history.epochs().size());
            for (Tensor p : model.parameters()) {
                assertEquals(DType.F64, p.dtype());
            }
        }
    }

    @Test
    void epochLineLooksLikeKeras() {
        EpochResult result = new EpochResult(3, 0.12344, Map.of("accuracy", 0.96123), 0.2,
                Map.of("accuracy", 0.9), 1.23, 45000.4, 0.01);
        assertEquals("epoch 3/10 - loss: 0.1234 - accuracy: 0.9612 - val_loss: 0.2000 - val_accuracy: 0.9000"
                + " - 1.2 s - 45000 samples/s", EpochLogger.format(result, 10));
    }
}
