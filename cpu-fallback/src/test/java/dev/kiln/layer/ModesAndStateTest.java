package dev.kiln.layer;

import static dev.kiln.testing.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.op.Ops;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.InScopeOnCpuBackend;
import dev.kiln.train.FitOptions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training and inference modes, the step's random stream, and non-trainable state. */
class ModesAndStateTest extends InScopeOnCpuBackend {

    private Tensor ones(int rows, int cols) {
        double[] v = new double[rows * cols];
        Arrays.fill(v, 1);
        return Tensor.of(backend, DType.F64, Shape.of(rows, cols), v);
    }

    @Test
    void dropoutIsTheIdentityInInferenceAndInvertedDropoutInTraining() {
        try (Dropout dropout = new Dropout(0.25)) {
            Tensor x = ones(200, 50);
            assertSame(x, dropout.forward(x, ForwardContext.inference()));
            double[] y = dropout.forward(x, ForwardContext.training(1, 0)).toDoubleArray();
            long dropped = Arrays.stream(y).filter(v -> v == 0).count();
            assertTrue(Arrays.stream(y).allMatch(v -> v == 0 || Math.abs(v - 1 / 0.75) < 1e-12));
            // 10,000 Bernoulli(0.25) draws: the share dropped is within 4 standard deviations of 0.25
            assertEquals(0.25, dropped / 10_000.0, 4 * Math.sqrt(0.25 * 0.75 / 10_000));
        }
    }

    @Test
    void aDropoutMaskDependsOnSeedStepAndPlaceOnly() {
        try (Dropout dropout = new Dropout(0.5)) {
            Tensor x = ones(10, 20);
            ForwardContext step = ForwardContext.training(7, 3).enter("dropout_1", 0);
            double[] first = dropout.forward(x, step).toDoubleArray();
            assertArrayEquals(first, dropout.forward(x, ForwardContext.training(7, 3).enter("dropout_1", 0))
                    .toDoubleArray(), 0);
            assertFalse(Arrays.equals(first, dropout.forward(x, ForwardContext.training(7, 4).enter("dropout_1", 0))
                    .toDoubleArray()));
            assertFalse(Arrays.equals(first, dropout.forward(x, ForwardContext.training(7, 3).enter("dropout_2", 0))
                    .toDoubleArray()));
        }
    }

    @Test
    void dropoutGradientIsTheScaledMask() {
        try (Dropout dropout = new Dropout(0.5)) {
            Tensor x = ones(4, 5).requiresGrad(true);
            ForwardContext context = ForwardContext.training(2, 9);
            Tensor y = dropout.forward(x, context);
            Autograd.backward(Ops.sum(y));
            assertArrayEquals(y.toDoubleArray(), x.grad().toDoubleArray(), 0);
            assertThrows(KilnException.class, () -> new Dropout(1));
        }
    }

    @Test
    void batchNormalizationMatchesAHandComputationAndMovesItsStatistics() {
        // features [1, 2], [3, 6], [5, 10]: means 3 and 6, biased variances 8/3 and 32/3
        double[] x = {1, 2, 3, 6, 5, 10};
        try (BatchNormalization bn = new BatchNormalization().momentum(0.9).epsilon(0.01)) {
            Tensor input = Tensor.of(backend, DType.F64, Shape.of(3, 2), x);
            bn.build(Shape.of(2), new ParameterFactory(backend, DType.F64, 0));
            assertEquals("batch_normalization/gamma", bn.parameters().get(0).name());
            double[] mean = {3, 6};
            double[] variance = {8.0 / 3, 32.0 / 3};
            double[] expected = new double[6];
            for (int i = 0; i < 6; i++) {
                int c = i % 2;
                expected[i] = (x[i] - mean[c]) / Math.sqrt(variance[c] + 0.01);
            }
            assertArrayEquals(expected, bn.forward(input, ForwardContext.training(0, 0)).toDoubleArray(), 1e-12);
            assertArrayEquals(new double[] {0.3, 0.6}, bn.state().get(0).toDoubleArray(), 1e-12);
            assertArrayEquals(new double[] {0.9 + 0.1 * 8 / 3, 0.9 + 0.1 * 32 / 3}, bn.state().get(1).toDoubleArray(),
                    1e-12);

            double[] inference = bn.forward(input, ForwardContext.inference()).toDoubleArray();
            double[] movingMean = bn.state().get(0).toDoubleArray();
            double[] movingVariance = bn.state().get(1).toDoubleArray();
            for (int i = 0; i < 6; i++) {
                int c = i % 2;
                assertEquals((x[i] - movingMean[c]) / Math.sqrt(movingVariance[c] + 0.01), inference[i], 1e-12);
            }
            assertArrayEquals(movingMean, bn.state().get(0).toDoubleArray(), 0, "inference leaves the statistics");
        }
    }

    @Test
    void batchNormalizationPassesTheGradientCheckOverEveryAxisButTheLast() {
        try (BatchNormalization bn = new BatchNormalization().epsilon(0.1)) {
            bn.build(Shape.of(3, 2), new ParameterFactory(backend, DType.F64, 0));
            double[] v = new double[4 * 3 * 2];
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.sin(1.7 * i) * 2;
            }
            Tensor input = Tensor.of(backend, DType.F64, Shape.of(4, 3, 2), v).requiresGrad(true);
            List<Tensor> wrt = List.of(input, bn.parameters().get(0), bn.parameters().get(1));
            GradientCheck.withDefaults().check(() -> bn.forward(input, ForwardContext.training(0, 0)), wrt)
                    .requirePassed();
        }
    }

    @Test
    void runningStatisticsAreStateTheOptimizerNeverTouchesButFitMoves() {
        try (Sequential model = Sequential.on(backend, new Dense(4), new BatchNormalization(), new Dropout(0.5),
                new Dense(1)).dtype(DType.F64).seed(4)) {
            model.build(Shape.of(3));
            BatchNormalization bn = (BatchNormalization) model.layers().get(1);
            assertEquals(List.of("batch_normalization_1/gamma", "batch_normalization_1/beta"),
                    bn.parameters().stream().map(Tensor::name).toList());
            assertEquals(List.of("batch_normalization_1/moving_mean", "batch_normalization_1/moving_variance"),
                    bn.state().stream().map(Tensor::name).toList());
            assertEquals(16 + 16 + 5, model.parameterCount());
            assertEquals(16 + 8 + 5, model.trainableParameterCount());
            String summary = model.summary();
            assertTrue(summary.contains("Non-trainable params: 8"), summary);
            assertFalse(model.trainableParameters().contains(bn.state().get(0)));
            assertTrue(model.namedWeights().containsKey("batch_normalization_1/moving_variance"));

            double[][] x = {{1, 2, 3}, {-1, 0, 2}, {0.5, 0.5, -1}, {2, -2, 0}};
            double[][] y = {{1}, {0}, {0.5}, {-1}};
            model.compile(Losses.mse(), new Sgd(0.01));
            double[] before = bn.state().get(0).toDoubleArray();
            model.fit(x, y, FitOptions.builder().epochs(2).batchSize(4).log(false).build());
            assertFalse(Arrays.equals(before, bn.state().get(0).toDoubleArray()), "fit moves the running mean");

            // evaluate and predict run in inference mode: no dropout, no statistics moved
            double[] moved = bn.state().get(0).toDoubleArray();
            double[][] first = model.predict(x);
            double[][] second = model.predict(x);
            assertArrayEquals(first[0], second[0], 0);
            model.evaluate(x, y);
            assertArrayEquals(moved, bn.state().get(0).toDoubleArray(), 0);
        }
    }

    @Test
    void batchNormalizationCanDropItsScaleAndShift() {
        try (BatchNormalization bn = new BatchNormalization().center(false).scale(false)) {
            bn.build(Shape.of(5), new ParameterFactory(backend, DType.F64, 0));
            assertEquals(0, bn.parameters().size());
            assertEquals(2, bn.state().size());
            assertEquals(10, bn.parameterCount());
            assertEquals(0, bn.trainableParameterCount());
        }
        assertThrows(KilnException.class, () -> new BatchNormalization().momentum(1.5));
        assertThrows(KilnException.class, () -> new BatchNormalization().epsilon(0));
    }

    @Test
    void aKnownGammaAndBetaScaleAndShift() {
        try (BatchNormalization bn = new BatchNormalization()) {
            bn.build(Shape.of(1), new ParameterFactory(backend, DType.F64, 0));
            Tensor gamma = bn.parameters().get(0);
            Tensor beta = bn.parameters().get(1);
            values(2).initialize(gamma, 1, 1, 0);
            values(-1).initialize(beta, 1, 1, 0);
            Tensor input = Tensor.of(backend, DType.F64, Shape.of(2, 1), 0, 2);
            double scaled = 1 / Math.sqrt(1 + 1e-3);
            assertArrayEquals(new double[] {-2 * scaled - 1, 2 * scaled - 1},
                    bn.forward(input, ForwardContext.training(0, 0)).toDoubleArray(), 1e-12);
        }
    }
}
