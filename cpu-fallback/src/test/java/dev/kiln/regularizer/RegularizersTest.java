package dev.kiln.regularizer;

import static dev.kiln.testing.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.io.SavedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.ForwardContext;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.op.Ops;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.InScopeOnCpuBackend;
import dev.kiln.train.EpochResult;
import dev.kiln.train.FitOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegularizersTest extends InScopeOnCpuBackend {
    private static final double[] W = {1, -2, 3, -0.5};

    private Tensor weight() {
        return Tensor.of(backend, DType.F64, Shape.of(2, 2), W).requiresGrad(true);
    }

    @Test
    void penaltiesHaveTheirKnownValues() {
        Tensor w = weight();
        // sum |w| = 6.5, sum w^2 = 14.25
        assertEquals(0.65, Regularizers.l1(0.1).penalty(w).item(), 1e-15);
        assertEquals(0.1425, Regularizers.l2(0.01).penalty(w).item(), 1e-15);
        assertEquals(0.65 + 0.1425, Regularizers.l1l2(0.1, 0.01).penalty(w).item(), 1e-15);
        assertEquals(0, Regularizers.l1l2(0, 0).penalty(w).item());
        assertEquals(Shape.of(), Regularizers.l2(1).penalty(w).shape());
    }

    @Test
    void gradientsAreL1SignsPlusTwiceL2TimesTheWeight() {
        Tensor w = weight();
        Autograd.gradients(Regularizers.l1l2(0.1, 0.01).penalty(w), List.of(w));
        double[] expected = new double[W.length];
        for (int i = 0; i < W.length; i++) {
            expected[i] = 0.1 * Math.signum(W[i]) + 2 * 0.01 * W[i];
        }
        assertArrayEquals(expected, w.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void gradientsPassAFiniteDifferenceCheckInF64() {
        Tensor w = weight();
        GradientCheck.withDefaults().check(() -> Regularizers.l1l2(0.3, 0.2).penalty(w), List.of(w)).requirePassed();
        try (Sequential model = Sequential.on(backend,
                new Dense(3, ActivationFunction.TANH).kernelRegularizer(Regularizers.l1l2(0.05, 0.1))
                        .biasRegularizer(Regularizers.l2(0.3)).biasInitializer(values(0.2, -0.4, 0.6)),
                new Dense(1).kernelRegularizer(Regularizers.l1(0.2))).dtype(DType.F64).seed(3)) {
            model.build(Shape.of(2));
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(4, 2), 0.1, -0.3, 0.5, 0.9, -1.2, 0.4, 0.7, -0.8);
            Tensor y = Tensor.of(backend, DType.F64, Shape.of(4, 1), 0.5, -0.5, 1, 0);
            assertEquals(3, model.regularizedWeights().size());
            GradientCheck.Result result = GradientCheck.withDefaults().check(() -> Ops.add(
                    Losses.mse().compute(model.forward(x, ForwardContext.inference()), y),
                    Regularizers.totalPenalty(model.regularizedWeights())), model.trainableParameters());
            result.requirePassed();
            assertEquals(3 * 2 + 3 + 3 + 1, result.checked());
        }
    }

    @Test
    void fitAddsThePenaltyToTheLossAndReportsItApart() {
        double l2 = 0.05;
        double rate = 0.1;
        double[] kernel = {0.4, -0.6};
        double[][] x = {{1, 2}, {-1, 0.5}, {0.5, 0.5}};
        double[][] y = {{1}, {0}, {2}};
        try (Sequential model = Sequential.on(backend,
                new Dense(1).kernelInitializer(values(kernel)).kernelRegularizer(Regularizers.l2(l2))).dtype(DType.F64)) {
            model.compile(Losses.mse(), new Sgd(rate));
            EpochResult epoch = model.fit(x, y, FitOptions.builder().batchSize(3).shuffle(false).log(false).build())
                    .last();
            double mse = 0;
            double[] gradient = new double[2];
            double biasGradient = 0;
            for (int i = 0; i < 3; i++) {
                double r = x[i][0] * kernel[0] + x[i][1] * kernel[1] - y[i][0];
                mse += r * r / 3;
                gradient[0] += 2.0 / 3 * x[i][0] * r;
                gradient[1] += 2.0 / 3 * x[i][1] * r;
                biasGradient += 2.0 / 3 * r;
            }
            double penalty = l2 * (kernel[0] * kernel[0] + kernel[1] * kernel[1]);
            assertEquals(List.of("loss", "regularization_loss"), List.copyOf(epoch.values().keySet()));
            assertEquals(penalty, epoch.value("regularization_loss"), 1e-12);
            assertEquals(mse + penalty, epoch.loss(), 1e-12);
            assertArrayEquals(new double[] {kernel[0] - rate * (gradient[0] + 2 * l2 * kernel[0]),
                    kernel[1] - rate * (gradient[1] + 2 * l2 * kernel[1])}, model.parameter("dense_1/kernel")
                    .toDoubleArray(), 1e-12);
            // the bias carries no regularizer
            assertEquals(-rate * biasGradient, model.parameter("dense_1/bias").item(), 1e-12);
        }
    }

    @Test
    void aFrozenLayersPenaltyIsLeftOut() {
        Dense frozen = new Dense(2).kernelRegularizer(Regularizers.l2(1));
        try (Sequential model = Sequential.on(backend, frozen, new Dense(1).kernelRegularizer(Regularizers.l1(1)))) {
            model.build(Shape.of(2));
            assertEquals(2, model.regularizedWeights().size());
            frozen.trainable(false);
            assertEquals(List.of(model.parameter("dense_2/kernel")),
                    model.regularizedWeights().stream().map(RegularizedWeight::weight).toList());
        }
    }

    @Test
    void regularizersAreSavedWithTheModel(@TempDir Path dir) {
        try (Sequential model = Sequential.on(backend,
                new Dense(2).kernelRegularizer(Regularizers.l1l2(0.25, 0.5)).biasRegularizer(Regularizers.l2(0.125)),
                new Dense(1))) {
            model.build(Shape.of(3));
            SavedModel.save(model, dir.resolve("m"));
            try (var loaded = SavedModel.load(dir.resolve("m"), backend)) {
                Dense first = (Dense) loaded.model().layers().get(0);
                Dense second = (Dense) loaded.model().layers().get(1);
                assertEquals(new L1L2(0.25, 0.5), first.kernelRegularizer());
                assertEquals(new L1L2(0, 0.125), first.biasRegularizer());
                assertEquals(null, second.kernelRegularizer());
            }
        }
    }

    @Test
    void invalidFactorsAreRefused() {
        KilnException e = assertThrows(KilnException.class, () -> Regularizers.l2(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(KilnException.class, () -> Regularizers.l1(Double.NaN));
    }
}
