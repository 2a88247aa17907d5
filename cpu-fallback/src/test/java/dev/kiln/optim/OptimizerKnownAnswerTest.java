package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One or two update steps of each optimizer against values computed by hand. */
class OptimizerKnownAnswerTest {
    private static final double TOLERANCE = 1e-12;
    private static final double EPS = 1e-7;
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private Tensor parameter(double... values) {
        return Tensor.of(backend, Shape.of(values.length), values).requiresGrad(true);
    }

    /** Gives {@code p} the gradient {@code g} by back-propagating sum(p * g). */
    private void setGradient(Tensor p, double... g) {
        try (MemoryScope ignored = MemoryScope.open()) {
            Autograd.backward(Ops.sum(Ops.mul(p, Tensor.of(backend, p.shape(), g))));
        }
    }

    private double[] step(Optimizer optimizer, Tensor p, double... g) {
        setGradient(p, g);
        optimizer.step(List.of(p));
        return p.toDoubleArray();
    }

    @Test
    void sgdStepsAgainstTheGradientAndZeroesIt() {
        try (Tensor p = parameter(1, -2); Optimizer sgd = new Sgd(0.1)) {
            assertArrayEquals(new double[] {0.95, -2.025}, step(sgd, p, 0.5, 0.25), TOLERANCE);
            assertArrayEquals(new double[] {0, 0}, p.grad().toDoubleArray());
        }
    }

    @Test
    void sgdWeightDecayAddsTheL2Gradient() {
        try (Tensor p = parameter(1, -2); Optimizer sgd = new Sgd(0.1).withWeightDecay(0.1)) {
            // g = (0.5 + 0.1, 0.25 - 0.2)
            assertArrayEquals(new double[] {0.94, -2.005}, step(sgd, p, 0.5, 0.25), TOLERANCE);
        }
    }

    @Test
    void momentumAccumulatesVelocity() {
        try (Tensor p = parameter(1, -2); Optimizer sgd = new Sgd(0.1, 0.9, false)) {
            assertArrayEquals(new double[] {0.95, -2.025}, step(sgd, p, 0.5, 0.25), TOLERANCE);
            // v = 0.9 g + g = 1.9 g
            assertArrayEquals(new double[] {0.95 - 0.095, -2.025 - 0.0475}, step(sgd, p, 0.5, 0.25), TOLERANCE);
        }
    }

    @Test
    void nesterovLooksAhead() {
        try (Tensor p = parameter(1, -2); Optimizer sgd = new Sgd(0.1, 0.9, true)) {
            // v = g; p -= 0.1 (g + 0.9 g)
            assertArrayEquals(new double[] {1 - 0.095, -2 - 0.0475}, step(sgd, p, 0.5, 0.25), TOLERANCE);
            // v = 1.9 g; p -= 0.1 (g + 0.9 * 1.9 g) = 0.271 g
            assertArrayEquals(new double[] {1 - 0.095 - 0.1355, -2 - 0.0475 - 0.06775}, step(sgd, p, 0.5, 0.25),
                    TOLERANCE);
        }
    }

    @Test
    void adamTwoStepsWithBiasCorrection() {
        try (Tensor p = parameter(1); Optimizer adam = new Adam(0.1)) {
            // step 1: m^ = g, v^ = g^2, so p moves by lr * g / (|g| + eps)
            double first = 1 - 0.1 * 0.5 / (0.5 + EPS);
            assertEquals(first, step(adam, p, 0.5)[0], TOLERANCE);
            // step 2 with g = 0.25: m = 0.9*0.05 + 0.1*0.25 = 0.07, v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225
            double mHat = 0.07 / (1 - 0.81);
            double vHat = 0.00031225 / (1 - 0.998001);
            assertEquals(first - 0.1 * mHat / (Math.sqrt(vHat) + EPS), step(adam, p, 0.25)[0], TOLERANCE);
        }
    }

    @Test
    void adamL2DecayEntersTheMoments() {
        try (Tensor p = parameter(1); Optimizer adam = new Adam(0.1).withWeightDecay(0.1)) {
            // g = -0.05 + 0.1 * 1 = 0.05: the decay flips the direction of the step
            assertEquals(1 - 0.1 * 0.05 / (0.05 + EPS), step(adam, p, -0.05)[0], TOLERANCE);
        }
    }

    @Test
    void adamWDecaysTheWeightsOutsideTheMoments() {
        try (Tensor p = parameter(1); Optimizer adamW = new AdamW(0.1, 0.9, 0.999, EPS, 0.1)) {
            assertEquals(1 - 0.1 * -0.05 / (0.05 + EPS) - 0.1 * 0.1 * 1, step(adamW, p, -0.05)[0], TOLERANCE);
        }
    }

    @Test
    void rmsPropDividesByTheRootMeanSquare() {
        try (Tensor p = parameter(1, 2); Optimizer rms = new RmsProp(0.1)) {
            // s = 0.1 g^2
            double[] expected = {1 - 0.1 * 0.5 / (Math.sqrt(0.025) + EPS), 2 - 0.1 * -1 / (Math.sqrt(0.1) + EPS)};
            assertArrayEquals(expected, step(rms, p, 0.5, -1), TOLERANCE);
        }
    }

    @Test
    void rmsPropWithWeightDecay() {
        try (Tensor p = parameter(2); Optimizer rms = new RmsProp(0.1, 0.9, EPS).withWeightDecay(0.25)) {
            // g = 0.5 + 0.25 * 2 = 1, s = 0.1
            assertEquals(2 - 0.1 / (Math.sqrt(0.1) + EPS), step(rms, p, 0.5)[0], TOLERANCE);
        }
    }

    @Test
    void adagradAccumulatesSquaresFromItsInitialValue() {
        try (Tensor p = parameter(1); Optimizer adagrad = new Adagrad(0.1)) {
            double first = 1 - 0.1 * 0.5 / (Math.sqrt(0.1 + 0.25) + EPS);
            assertEquals(first, step(adagrad, p, 0.5)[0], TOLERANCE);
            assertEquals(first - 0.1 * 1 / (Math.sqrt(0.35 + 1) + EPS), step(adagrad, p, 1)[0], TOLERANCE);
        }
    }

    @Test
    void stepCountsArePerParameter() {
        try (Tensor a = parameter(1); Tensor b = parameter(1); Adam adam = new Adam(0.1)) {
            step(adam, a, 0.5);
            step(adam, a, 0.5);
            setGradient(a, 0.5);
            setGradient(b, 0.5);
            adam.step(List.of(a, b));
            assertEquals(3, adam.steps(a));
            assertEquals(1, adam.steps(b));
            // b's first step is fully bias-corrected: a step of lr * g / (|g| + eps)
            assertEquals(1 - 0.1 * 0.5 / (0.5 + EPS), b.toDoubleArray()[0], TOLERANCE);
        }
    }

    @Test
    void parametersWithoutGradientsAreLeftAlone() {
        try (Tensor p = parameter(1); Optimizer sgd = new Sgd(0.1)) {
            sgd.step(List.of(p));
            assertArrayEquals(new double[] {1}, p.toDoubleArray());
        }
    }

    @Test
    void closeFreesTheStateBuffers() {
        try (Tensor p = parameter(1, 2)) {
            setGradient(p, 1, 1);
            long before = backend.liveBuffers();
            Optimizer adam = new Adam();
            adam.step(List.of(p));
            assertEquals(before + 2, backend.liveBuffers());
            adam.close();
            assertEquals(before, backend.liveBuffers());
        }
    }

    @Test
    void stateLivesOutsideMemoryScopes() {
        try (Tensor p = parameter(1); Optimizer sgd = new Sgd(0.1, 0.9, false)) {
            try (MemoryScope ignored = MemoryScope.open()) {
                step(sgd, p, 1);
            }
            // the velocity survived the scope: v = 0.9 * 1 + 1
            assertEquals(0.9 - 0.19, step(sgd, p, 1)[0], TOLERANCE);
        }
    }

    @Test
    void learningRateCanBeChangedBetweenSteps() {
        try (Tensor p = parameter(1); Optimizer sgd = new Sgd(0.1)) {
            sgd.setLearningRate(0.5);
            assertEquals(0.5, sgd.learningRate());
            assertEquals(0.5, step(sgd, p, 1)[0], TOLERANCE);
        }
    }

    @Test
    void badHyperParametersAreRejected() {
        assertThrows(KilnException.class, () -> new Sgd(-0.1));
        assertThrows(KilnException.class, () -> new Sgd(0.1, 1, false));
        assertThrows(KilnException.class, () -> new Sgd(0.1, 0, true));
        assertThrows(KilnException.class, () -> new Adam(0.1, 0.9, 1, 1e-7));
        assertThrows(KilnException.class, () -> new RmsProp(0.1, 0.9, 0));
        assertThrows(KilnException.class, () -> new Adagrad(0.1, -1, 1e-7));
        assertThrows(KilnException.class, () -> new Sgd().withWeightDecay(Double.NaN));
        assertThrows(KilnException.class, () -> new Sgd().setLearningRate(Double.POSITIVE_INFINITY));
    }

    @Test
    void defaultsFollowKeras() {
        assertEquals(0.01, new Sgd().learningRate());
        assertEquals(1e-3, new Adam().learningRate());
        assertEquals(0.01, new AdamW().weightDecay());
        assertEquals("rmsprop", new RmsProp().name());
    }

    @Test
    void optimizersHaveKerasNames() {
        for (String name : Optimizers.NAMES) {
            try (FusedOptimizer<?> optimizer = Optimizers.byName(name, 0.02)) {
                assertEquals(name, optimizer.name());
                assertEquals(0.02, optimizer.learningRate());
            }
        }
        KilnException e = assertThrows(KilnException.class, () -> Optimizers.byName("lbfgs", 0.1));
        assertTrue(e.getMessage().contains("lbfgs"), e.getMessage());
    }

    @Test
    void settingsKeepTheConcreteOptimizerType() {
        try (Adam adam = new Adam(0.01).withWeightDecay(1e-4).withGradientClipping(GradientClipping.byValue(0.5));
             Sgd sgd = new Sgd(0.1).withWeightDecay(0.5)) {
            assertEquals(1e-4, adam.weightDecay());
            assertEquals(0.5, sgd.weightDecay());
            assertEquals("adam", adam.name());
        }
    }
}
