package dev.kiln.train;

import static dev.kiln.testing.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.data.ArrayDataset;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Input;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Model;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Two inputs ("a" [2], "b" [1]) and two linear outputs: "score" = Dense(1) on concat(a, b), "aux" = Dense(2) on b.
 * Both losses are MSE, so the first step's gradient is computed by hand below.
 */
class MultiIoFitTest extends OnCpuBackend {
    private static final double[] SCORE_KERNEL = {0.1, -0.2, 0.3};
    private static final double[] AUX_KERNEL = {0.5, -1.0};
    private static final double[][] A = {{1, 2}, {-1, 0.5}, {0.3, -0.7}, {2, 1}};
    private static final double[][] B = {{0.5}, {-1}, {2}, {0.25}};
    private static final double[][] Y_SCORE = {{1}, {0}, {-1}, {0.5}};
    private static final double[][] Y_AUX = {{1, 0}, {0, 1}, {0.5, 0.5}, {-1, 2}};
    private static final FitOptions ONE_STEP = FitOptions.builder().epochs(1).batchSize(4).shuffle(false).log(false)
            .build();

    private Model model() {
        SymbolicTensor a = Input.of("a", 2);
        SymbolicTensor b = Input.of("b", 1);
        SymbolicTensor h = new Concatenate().call(a, b);
        SymbolicTensor score = new Dense(1).named("score").kernelInitializer(values(SCORE_KERNEL)).call(h);
        SymbolicTensor aux = new Dense(2).named("aux").kernelInitializer(values(AUX_KERNEL)).call(b);
        return Model.on(backend, List.of(a, b), List.of(score, aux)).dtype(DType.F64);
    }

    private static Map<String, Loss> mseForBoth() {
        return Map.of("score", Losses.mse(), "aux", Losses.mse());
    }

    /** The data with every array named, labels deliberately in the reverse of the model's output order. */
    private static ArrayDataset named() {
        return ArrayDataset.builder().features("b", B).features("a", A).labels("aux", Y_AUX).labels("score", Y_SCORE)
                .build();
    }

    /** Hand computation of the weighted losses and the gradient of the total at the initial weights. */
    private static final class Expected {
        double scoreLoss;
        double auxLoss;
        final double[] scoreKernel = new double[3];
        double scoreBias;
        final double[] auxKernel = new double[2];
        final double[] auxBias = new double[2];

        Expected(double scoreWeight, double auxWeight) {
            int n = A.length;
            for (int i = 0; i < n; i++) {
                double[] h = {A[i][0], A[i][1], B[i][0]};
                double r = h[0] * SCORE_KERNEL[0] + h[1] * SCORE_KERNEL[1] + h[2] * SCORE_KERNEL[2] - Y_SCORE[i][0];
                scoreLoss += scoreWeight * r * r / n;
                for (int k = 0; k < 3; k++) {
                    scoreKernel[k] += scoreWeight * 2.0 / n * h[k] * r;
                }
                scoreBias += scoreWeight * 2.0 / n * r;
                for (int j = 0; j < 2; j++) {
                    double q = B[i][0] * AUX_KERNEL[j] - Y_AUX[i][j];
                    auxLoss += auxWeight * q * q / (2.0 * n);
                    auxKernel[j] += auxWeight * 2.0 / (2.0 * n) * B[i][0] * q;
                    auxBias[j] += auxWeight * 2.0 / (2.0 * n) * q;
                }
            }
        }
    }

    private static double[] minus(double[] start, double rate, double[] gradient) {
        double[] out = new double[start.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = start[i] - rate * gradient[i];
        }
        return out;
    }

    @Test
    void theFirstStepFollowsTheWeightedSumOfTheOutputLosses() {
        double rate = 0.1;
        Expected e = new Expected(2.0, 0.5);
        try (Model model = model()) {
            model.compile(mseForBoth(), LossWeights.of(Map.of("score", 2.0, "aux", 0.5)), new Sgd(rate), Map.of());
            History history = model.fit(named(), ONE_STEP);
            EpochResult epoch = history.last();
            assertEquals(List.of("loss", "score_loss", "aux_loss"), List.copyOf(epoch.values().keySet()));
            assertEquals(e.scoreLoss, epoch.value("score_loss"), 1e-12);
            assertEquals(e.auxLoss, epoch.value("aux_loss"), 1e-12);
            assertEquals(e.scoreLoss + e.auxLoss, epoch.loss(), 1e-12);
            assertArrayEquals(minus(SCORE_KERNEL, rate, e.scoreKernel), model.parameter("score/kernel").toDoubleArray(),
                    1e-12);
            assertEquals(-rate * e.scoreBias, model.parameter("score/bias").toDoubleArray()[0], 1e-12);
            assertArrayEquals(minus(AUX_KERNEL, rate, e.auxKernel), model.parameter("aux/kernel").toDoubleArray(),
                    1e-12);
            assertArrayEquals(minus(new double[2], rate, e.auxBias), model.parameter("aux/bias").toDoubleArray(), 1e-12);
        }
    }

    @Test
    void arraysByPositionTrainLikeArraysByName() {
        try (Model byName = model(); Model byPosition = model(); Model byMap = model()) {
            byName.compile(mseForBoth(), new Sgd(0.1));
            byPosition.compile(mseForBoth(), new Sgd(0.1));
            byMap.compile(Losses.mse(), new Sgd(0.1));
            FitOptions options = FitOptions.builder().epochs(3).batchSize(3).seed(5).log(false).build();
            History h1 = byName.fit(named(), options);
            History h2 = byPosition.fit(List.of(A, B), List.of(Y_SCORE, Y_AUX), options);
            History h3 = byMap.fit(Map.of("a", A, "b", B), Map.of("score", Y_SCORE, "aux", Y_AUX), options);
            assertArrayEquals(h1.series("loss"), h2.series("loss"));
            assertArrayEquals(h1.series("aux_loss"), h3.series("aux_loss"));
            for (String p : byName.namedParameters().keySet()) {
                assertArrayEquals(byName.parameter(p).toDoubleArray(), byPosition.parameter(p).toDoubleArray(), p);
                assertArrayEquals(byName.parameter(p).toDoubleArray(), byMap.parameter(p).toDoubleArray(), p);
            }
        }
    }

    @Test
    void aZeroLossWeightLeavesItsOutputUntrainedAndTheOtherUnchanged() {
        try (Model both = model(); Model scoreOnly = model()) {
            both.compile(mseForBoth(), LossWeights.of(1, 1), new Sgd(0.1), Map.of());
            scoreOnly.compile(mseForBoth(), LossWeights.of(1, 0), new Sgd(0.1), Map.of());
            FitOptions options = FitOptions.builder().epochs(4).batchSize(2).seed(1).log(false).build();
            History hBoth = both.fit(named(), options);
            History hScore = scoreOnly.fit(named(), options);
            // the heads share no parameter: the score head trains identically whatever the aux weight
            assertArrayEquals(both.parameter("score/kernel").toDoubleArray(),
                    scoreOnly.parameter("score/kernel").toDoubleArray(), 1e-15);
            assertArrayEquals(AUX_KERNEL, scoreOnly.parameter("aux/kernel").toDoubleArray(), 0);
            assertFalse(java.util.Arrays.equals(AUX_KERNEL, both.parameter("aux/kernel").toDoubleArray()));
            assertArrayEquals(new double[4], hScore.series("aux_loss"), 0);
            assertArrayEquals(hBoth.series("score_loss"), hScore.series("score_loss"), 1e-15);
            assertArrayEquals(hScore.series("score_loss"), hScore.series("loss"), 1e-15);
            assertNotEquals(hBoth.last().loss(), hScore.last().loss());
        }
    }

    @Test
    void metricsAreReportedPerOutputWithValidation() {
        try (Model model = model()) {
            Map<String, List<Metric>> metrics = new LinkedHashMap<>();
            metrics.put("score", List.of(Metrics.mae()));
            metrics.put("aux", List.of(Metrics.mse()));
            model.compile(mseForBoth(), LossWeights.none(), new Sgd(0.05), metrics);
            History history = model.fit(named(), FitOptions.builder().epochs(2).batchSize(2).validationData(named())
                    .log(false).build());
            EpochResult last = history.last();
            assertEquals(List.of("loss", "score_loss", "aux_loss", "score_mae", "aux_mse", "val_loss", "val_score_loss",
                    "val_aux_loss", "val_score_mae", "val_aux_mse"), List.copyOf(last.values().keySet()));
            // aux's MSE metric equals its (unweighted) loss, measured the same way
            assertEquals(last.value("val_aux_loss"), last.value("val_aux_mse"), 1e-12);
            Evaluation evaluation = model.evaluate(Map.of("a", A, "b", B), Map.of("score", Y_SCORE, "aux", Y_AUX));
            assertEquals(last.value("val_loss"), evaluation.loss(), 1e-12);
            assertEquals(last.value("val_score_mae"), evaluation.metric("score_mae"), 1e-12);
            assertEquals(evaluation.metric("score_loss") + evaluation.metric("aux_loss"), evaluation.loss(), 1e-12);
        }
    }

    @Test
    void predictAllGivesOneArrayPerOutput() {
        try (Model model = model()) {
            List<double[][]> byPosition = model.predictAll(List.of(A, B));
            Map<String, double[][]> byName = model.predictAll(Map.of("b", B, "a", A));
            assertEquals(List.of("score", "aux"), List.copyOf(byName.keySet()));
            assertEquals(2, byPosition.size());
            for (int i = 0; i < A.length; i++) {
                double score = A[i][0] * SCORE_KERNEL[0] + A[i][1] * SCORE_KERNEL[1] + B[i][0] * SCORE_KERNEL[2];
                assertArrayEquals(new double[] {score}, byPosition.get(0)[i], 1e-12);
                assertArrayEquals(new double[] {B[i][0] * AUX_KERNEL[0], B[i][0] * AUX_KERNEL[1]},
                        byName.get("aux")[i], 1e-12);
            }
            try (MemoryScope scope = MemoryScope.open()) {
                List<Tensor> out = model.predict(List.of(Tensor.of(backend, DType.F64, Shape.of(1, 2), A[0]),
                        Tensor.of(backend, DType.F64, Shape.of(1, 1), B[0])));
                assertArrayEquals(byPosition.get(1)[0], out.get(1).toDoubleArray(), 0);
            }
            assertFailsMentioning(() -> model.predict(A), "2 outputs", "predictAll");
            assertFailsMentioning(() -> model.predictAll(Map.of("a", A)), "'b'");
        }
    }

    private static void assertFailsMentioning(Executable action, String... parts) {
        KilnException e = assertThrows(KilnException.class, action);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void missingOrMismatchedDataFailsNamingTheInputOrOutput() {
        FitOptions quiet = FitOptions.builder().log(false).build();
        try (Model model = model()) {
            model.compile(mseForBoth(), new Sgd(0.1));
            assertFailsMentioning(() -> model.fit(ArrayDataset.builder().features("a", A).labels("score", Y_SCORE)
                    .labels("aux", Y_AUX).build(), quiet), "model input 'b'", "no feature array", "[a]");
            assertFailsMentioning(() -> model.fit(ArrayDataset.builder().features("a", A).features("c", B)
                    .labels("score", Y_SCORE).labels("aux", Y_AUX).build(), quiet), "'c'", "[a, b]");
            assertFailsMentioning(() -> model.fit(ArrayDataset.builder().features("a", A).features("b", B)
                    .labels("score", Y_SCORE).build(), quiet), "model output 'aux'", "no label array");
            assertFailsMentioning(() -> model.fit(List.<double[][]>of(A), List.of(Y_SCORE, Y_AUX), quiet),
                    "2 inputs [a, b]", "1 feature array");
            assertFailsMentioning(() -> model.fit(Map.of("a", B, "b", B), Map.of("score", Y_SCORE, "aux", Y_AUX),
                    quiet), "model input 'a'", "[?, 2]", "[?, 1]");
            assertFailsMentioning(() -> model.fit(Map.of("a", A, "b", B), Map.of("score", Y_AUX, "aux", Y_AUX),
                    quiet), "output 'score'", "[?, 2]", "[?, 1]");
            assertFailsMentioning(() -> model.fit(Map.of("a", A, "b", new double[][] {{1}}),
                    Map.of("score", Y_SCORE, "aux", Y_AUX), quiet), "'b' has 1", "'a' has 4", "same number of samples");
            double[][] bad = {{1}, {Double.NaN}, {0}, {0}};
            assertFailsMentioning(() -> model.fit(Map.of("a", A, "b", B), Map.of("score", bad, "aux", Y_AUX), quiet),
                    "labels of 'score'", "NaN", "sample 1");
        }
        try (Model model = model()) {
            model.compile(Map.of("score", Losses.mse()), new Sgd(0.1));
            assertFailsMentioning(() -> model.fit(named(), quiet), "no loss for output 'aux'");
            model.compile(Map.of("score", Losses.mse(), "aux", Losses.mse(), "other", Losses.mse()), new Sgd(0.1));
            assertFailsMentioning(() -> model.fit(named(), quiet), "'other'", "[score, aux]");
            model.compile(mseForBoth(), LossWeights.of(1, 2, 3), new Sgd(0.1), Map.of());
            assertFailsMentioning(() -> model.fit(named(), quiet), "3 loss weights", "2 outputs");
            assertFailsMentioning(() -> LossWeights.of(Map.of("aux", -1.0)), "'aux'", "-1.0");
        }
    }
}
