package dev.kiln.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.BatchNormalization;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Dropout;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.Input;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.loss.Losses;
import dev.kiln.op.Ops;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import dev.kiln.train.FitOptions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How layers, models, optimizers and training steps compose when they are reused, frozen or trained in parts. */
class CompositionRulesTest extends OnCpuBackend {
    private static final double[][] X = {{1, 2}, {-1, 0.5}, {0, 1}, {2, -1}, {0.5, 0.5}, {-2, 1}};
    private static final double[][] Y = {{1}, {-1}, {0.5}, {2}, {0}, {-0.5}};

    @Test
    void aParameterWithoutAGradientIsNotMovedByAStatefulOptimizer() {
        Dense first = new Dense(3, ActivationFunction.TANH);
        Dense second = new Dense(1);
        try (Sequential model = Sequential.on(backend, first, second).dtype(DType.F64).seed(2);
             Adam adam = new Adam(0.1).withWeightDecay(0.01)) {
            model.build(Shape.of(2));
            for (int step = 0; step < 2; step++) {
                if (step == 1) {
                    first.trainable(false);
                }
                try (MemoryScope scope = MemoryScope.open()) {
                    Tensor x = Tensor.fromRows(backend, DType.F64, X);
                    Tensor loss = Ops.sum(model.forward(x, ForwardContext.training(2, step)));
                    double[] before = first.getWeights("kernel");
                    Autograd.gradients(loss, model.parameters());
                    adam.step(model.parameters());
                    if (step == 1) {
                        assertArrayEquals(before, first.getWeights("kernel"), 0, "frozen: no momentum, no decay");
                    }
                }
            }
            assertEquals(1, adam.steps(first.parameters().get(0)));
            assertEquals(2, adam.steps(second.parameters().get(0)));
        }
    }

    @Test
    void aParameterListedTwiceIsUpdatedOnce() {
        try (Tensor p = Tensor.of(backend, Shape.of(1), new double[] {1}).requiresGrad(true);
             Sgd sgd = new Sgd(0.25);
             MemoryScope scope = MemoryScope.open()) {
            Autograd.gradients(Ops.mul(p, p), List.of(p, p));
            sgd.step(List.of(p, p));
            assertEquals(0.5, p.toDoubleArray()[0], 1e-12, "p - 0.25 * 2p, once");
        }
    }

    @Test
    void aFrozenBatchNormalizationKeepsItsRunningStatisticsDuringFit() {
        BatchNormalization bn = new BatchNormalization();
        try (Sequential model = Sequential.on(backend, new Dense(2), bn, new Dense(1)).dtype(DType.F64).seed(1)) {
            model.compile(Losses.mse(), new Sgd(0.01));
            model.build(Shape.of(2));
            bn.trainable(false);
            double[] mean = bn.getWeights("moving_mean");
            model.fit(X, Y, FitOptions.builder().epochs(2).batchSize(3).log(false).build());
            assertArrayEquals(mean, bn.getWeights("moving_mean"), 0);
            bn.trainable(true);
            model.fit(X, Y, FitOptions.builder().epochs(1).batchSize(3).log(false).build());
            assertFalse(Arrays.equals(mean, bn.getWeights("moving_mean")));
        }
    }

    @Test
    void aModelUsedAloneFirstCanStillBeComposedAndIsNamedWithItsWeights() {
        try (Sequential discriminator = Sequential.on(backend, new Dense(1, ActivationFunction.SIGMOID))) {
            discriminator.predict(new double[][] {{1, 2}});
            SymbolicTensor z = Input.of("z", 3);
            try (Model combined = Model.on(backend, z, discriminator.call(new Dense(2).call(z)))) {
                combined.build(Shape.of(3));
                assertEquals("sequential_1", discriminator.name());
                assertTrue(combined.namedWeights().containsKey("sequential_1/dense_1/kernel"),
                        combined.namedWeights().keySet().toString());
                discriminator.named("critic");
                assertTrue(combined.namedWeights().containsKey("critic/dense_1/kernel"));
            }
        }
    }

    @Test
    void aModelTakesTheBackendOfLayersBuiltBeforeAndRefusesAnother() {
        Dense shared = new Dense(2);
        try (Sequential first = new Sequential(shared)) {
            first.build(Shape.of(2));
            SymbolicTensor x = Input.of("x", 2);
            try (Model second = new Model(x, shared.call(x))) {
                assertSame(first.backend(), second.backend());
                second.predict(new double[][] {{1, 1}});
            }
            try (Backend other = Backends.select("cpu")) {
                SymbolicTensor y = Input.of("y", 2);
                Model elsewhere = Model.on(other, y, shared.call(y));
                KilnException e = assertThrows(KilnException.class, () -> elsewhere.build(Shape.of(2)));
                assertTrue(e.getMessage().contains("'dense_1'") && e.getMessage().contains("one backend object"),
                        e.getMessage());
            }
        }
        Sequential wide = new Sequential(new Dense(2)).dtype(DType.F64);
        SymbolicTensor x = Input.of("x", 2);
        Model outer = Model.on(backend, x, wide.call(x));
        KilnException e = assertThrows(KilnException.class, () -> outer.build(Shape.of(2)));
        assertTrue(e.getMessage().contains("F64") && e.getMessage().contains("F32"), e.getMessage());
    }

    @Test
    void stepsAreNumberedAcrossFitsSoTwoFitsOfOneEpochEqualOneFitOfTwo() {
        FitOptions oneEpoch = FitOptions.builder().epochs(1).batchSize(2).shuffle(false).log(false).build();
        double[] inTwoFits;
        try (Sequential model = model()) {
            model.fit(X, Y, oneEpoch);
            assertEquals(3, model.trainingSteps());
            model.fit(X, Y, oneEpoch);
            assertEquals(6, model.trainingSteps());
            inTwoFits = model.parameters().get(0).toDoubleArray();
        }
        try (Sequential model = model()) {
            model.fit(X, Y, oneEpoch.toBuilder().epochs(2).build());
            assertArrayEquals(inTwoFits, model.parameters().get(0).toDoubleArray(), 0);
        }
    }

    @Test
    void dropoutLayersRunOnTheirOwnDrawApart() {
        try (Dropout a = new Dropout(0.5).named("a"); Dropout b = new Dropout(0.5).named("b");
             MemoryScope scope = MemoryScope.open()) {
            double[] ones = new double[64];
            Arrays.fill(ones, 1);
            Tensor x = Tensor.of(backend, Shape.of(8, 8), ones);
            ForwardContext step = ForwardContext.training(3, 0);
            assertFalse(Arrays.equals(a.forward(x, step).toDoubleArray(), b.forward(x, step).toDoubleArray()));
        }
    }

    private static Sequential model() {
        Sequential model = Sequential.on(backend, new Dense(8, ActivationFunction.RELU), new Dropout(0.5), new Dense(1))
                .dtype(DType.F64).seed(9);
        model.compile(Losses.mse(), new Adam(0.01));
        return model;
    }
}
