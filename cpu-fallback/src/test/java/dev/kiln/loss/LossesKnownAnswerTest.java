package dev.kiln.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.DType;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.InScopeOnCpuBackend;
import org.junit.jupiter.api.Test;

/** Every loss against values computed by hand, with both reductions, and its shape checks. */
class LossesKnownAnswerTest extends InScopeOnCpuBackend {
    private static final double TOLERANCE = 1e-12;
    private static Tensor matrix(double[][] rows) {
        return Tensor.fromRows(backend, DType.F64, rows);
    }

    private static Tensor vector(double... values) {
        return Tensor.of(backend, Shape.of(values.length), values);
    }

    private static Tensor indices(int... values) {
        return Tensor.of(backend, Shape.of(values.length), values);
    }

    private static Tensor column(int... values) {
        return Tensor.of(backend, Shape.of(values.length, 1), values);
    }

    private static double value(Loss loss, Tensor predictions, Tensor targets) {
        Tensor out = loss.compute(predictions, targets);
        assertEquals(Shape.of(), out.shape());
        return out.item();
    }

    @Test
    void meanSquaredErrorAveragesFeaturesThenSamples() {
        Tensor p = matrix(new double[][] {{1, 2}, {3, 4}});
        Tensor t = matrix(new double[][] {{1, 0}, {5, 5}});
        // per sample: (0 + 4) / 2 = 2 and (4 + 1) / 2 = 2.5
        assertEquals(2.25, value(new MeanSquaredError(Reduction.MEAN), p, t), TOLERANCE);
        assertEquals(4.5, value(new MeanSquaredError(Reduction.SUM), p, t), TOLERANCE);
    }

    @Test
    void meanAbsoluteErrorAveragesFeaturesThenSamples() {
        Tensor p = matrix(new double[][] {{1, 2}, {3, 4}});
        Tensor t = matrix(new double[][] {{0, 0}, {5, 1}});
        // per sample: (1 + 2) / 2 = 1.5 and (2 + 3) / 2 = 2.5
        assertEquals(2.0, value(new MeanAbsoluteError(Reduction.MEAN), p, t), TOLERANCE);
        assertEquals(4.0, value(new MeanAbsoluteError(Reduction.SUM), p, t), TOLERANCE);
    }

    @Test
    void lossesAcceptOneValuePerSample() {
        assertEquals(2.5, value(Losses.mse(), vector(1, 2), vector(0, 4)), TOLERANCE);
    }

    @Test
    void binaryCrossEntropyOnProbabilities() {
        Tensor p = matrix(new double[][] {{0.8}, {0.3}});
        Tensor t = matrix(new double[][] {{1}, {0}});
        double first = -Math.log(0.8);
        double second = -Math.log(0.7);
        assertEquals((first + second) / 2, value(new BinaryCrossEntropy(false, Reduction.MEAN), p, t), TOLERANCE);
        assertEquals(first + second, value(new BinaryCrossEntropy(false, Reduction.SUM), p, t), TOLERANCE);
    }

    @Test
    void binaryCrossEntropyWithSoftTargetsAveragesOutputs() {
        Tensor p = matrix(new double[][] {{0.6, 0.9}});
        Tensor t = matrix(new double[][] {{0.25, 1}});
        double first = -(0.25 * Math.log(0.6) + 0.75 * Math.log(0.4));
        double second = -Math.log(0.9);
        assertEquals((first + second) / 2, value(Losses.binaryCrossEntropy(false), p, t), TOLERANCE);
    }

    @Test
    void binaryCrossEntropyClipsCertainWrongPredictions() {
        Tensor p = matrix(new double[][] {{0}, {1}});
        Tensor t = matrix(new double[][] {{1}, {0}});
        // both predictions are clipped 1e-7 away from the wrong certainty: -ln(1e-7) each
        assertEquals(-Math.log(1e-7), value(Losses.binaryCrossEntropy(false), p, t), 1e-6);
    }

    @Test
    void binaryCrossEntropyOnLogitsIsSoftplusMinusLogitTimesTarget() {
        Tensor x = matrix(new double[][] {{0}, {2}, {-3}});
        Tensor t = matrix(new double[][] {{1}, {0}, {1}});
        double[] expected = {Math.log(2), Math.log(1 + Math.exp(2)), Math.log(1 + Math.exp(-3)) + 3};
        double sum = expected[0] + expected[1] + expected[2];
        assertEquals(sum / 3, value(new BinaryCrossEntropy(true, Reduction.MEAN), x, t), TOLERANCE);
        assertEquals(sum, value(new BinaryCrossEntropy(true, Reduction.SUM), x, t), TOLERANCE);
    }

    @Test
    void binaryCrossEntropyOnLogitsStaysFiniteForHugeLogits() {
        Tensor x = matrix(new double[][] {{1000}, {-1000}});
        Tensor t = matrix(new double[][] {{0}, {0}});
        assertEquals(500, value(Losses.binaryCrossEntropy(true), x, t), 1e-9);
    }

    @Test
    void categoricalCrossEntropyOnProbabilities() {
        Tensor p = matrix(new double[][] {{0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}});
        Tensor t = matrix(new double[][] {{1, 0, 0}, {0, 0, 1}});
        double sum = -Math.log(0.7) - Math.log(0.8);
        assertEquals(sum / 2, value(new CategoricalCrossEntropy(false, Reduction.MEAN), p, t), TOLERANCE);
        assertEquals(sum, value(new CategoricalCrossEntropy(false, Reduction.SUM), p, t), TOLERANCE);
    }

    @Test
    void categoricalCrossEntropyOnLogits() {
        Tensor x = matrix(new double[][] {{1, 2, 3}, {0, 0, 0}});
        Tensor t = matrix(new double[][] {{0, 0, 1}, {0, 1, 0}});
        double first = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
        double second = Math.log(3);
        assertEquals((first + second) / 2, value(new CategoricalCrossEntropy(true, Reduction.MEAN), x, t), 1e-12);
        assertEquals(first + second, value(new CategoricalCrossEntropy(true, Reduction.SUM), x, t), 1e-12);
    }

    @Test
    void sparseCategoricalCrossEntropyTakesIndicesAsVectorOrColumn() {
        Tensor p = matrix(new double[][] {{0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}});
        double sum = -Math.log(0.7) - Math.log(0.8);
        assertEquals(sum / 2, value(Losses.sparseCategoricalCrossEntropy(false), p, indices(0, 2)), TOLERANCE);
        assertEquals(sum, value(new SparseCategoricalCrossEntropy(false, Reduction.SUM), p, column(0, 2)), TOLERANCE);
    }

    @Test
    void sparseCategoricalCrossEntropyOnLogits() {
        Tensor x = matrix(new double[][] {{1, 2, 3}, {0, 0, 0}});
        double first = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 1;
        double second = Math.log(3);
        assertEquals((first + second) / 2, value(Losses.sparseCategoricalCrossEntropy(true), x, indices(0, 1)), 1e-12);
    }

    @Test
    void negativeLogLikelihoodPicksTheTargetLogProbability() {
        Tensor logP = matrix(new double[][] {{Math.log(0.7), Math.log(0.2), Math.log(0.1)}, {-2, -0.5, -3}});
        assertEquals((-Math.log(0.2) + 3) / 2, value(Losses.nll(), logP, indices(1, 2)), TOLERANCE);
        assertEquals(-Math.log(0.2) + 3, value(new NegativeLogLikelihood(Reduction.SUM), logP, column(1, 2)), TOLERANCE);
    }

    @Test
    void mismatchedShapesNameTheLossAndBothShapes() {
        Tensor p = Tensor.zeros(backend, DType.F64, Shape.of(4, 2));
        Tensor t = Tensor.zeros(backend, DType.F64, Shape.of(4, 3));
        for (Loss loss : new Loss[] {Losses.mse(), Losses.mae(), Losses.binaryCrossEntropy(true),
                Losses.categoricalCrossEntropy(true)}) {
            KilnException e = assertThrows(KilnException.class, () -> loss.compute(p, t));
            assertTrue(e.getMessage().contains(loss.name()), e.getMessage());
            assertTrue(e.getMessage().contains("[4, 2]") && e.getMessage().contains("[4, 3]"), e.getMessage());
        }
    }

    @Test
    void classIndexLossesRejectTargetsOfTheWrongShape() {
        Tensor p = Tensor.zeros(backend, DType.F64, Shape.of(4, 3));
        for (Loss loss : new Loss[] {Losses.sparseCategoricalCrossEntropy(true), Losses.nll()}) {
            for (Shape bad : new Shape[] {Shape.of(3), Shape.of(4, 3), Shape.of(4, 2)}) {
                Tensor t = Tensor.zeros(backend, DType.I32, bad);
                KilnException e = assertThrows(KilnException.class, () -> loss.compute(p, t));
                assertTrue(e.getMessage().contains(loss.name()) && e.getMessage().contains(bad.toString()),
                        e.getMessage());
            }
        }
    }

    @Test
    void classIndexLossesRefuseFloatIndices() {
        Tensor p = Tensor.zeros(backend, DType.F64, Shape.of(2, 3));
        for (Loss loss : new Loss[] {Losses.sparseCategoricalCrossEntropy(true), Losses.nll()}) {
            KilnException e = assertThrows(KilnException.class, () -> loss.compute(p, vector(0, 2)));
            assertTrue(e.getMessage().contains(loss.name()) && e.getMessage().contains("I32")
                    && e.getMessage().contains("F64"), e.getMessage());
        }
    }

    @Test
    void sparseCrossEntropyOnIndicesEqualsCategoricalOnOneHotRows() {
        Tensor x = matrix(new double[][] {{0.5, -1, 2}, {3, 0.25, -2}, {0, 0, 1}});
        double sparse = value(Losses.sparseCategoricalCrossEntropy(true), x, indices(2, 0, 1));
        double dense = value(Losses.categoricalCrossEntropy(true), x,
                matrix(new double[][] {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}));
        assertEquals(dense, sparse, 1e-15);
    }

    @Test
    void categoricalLossesNeedMatrices() {
        Tensor p = Tensor.zeros(backend, DType.F64, Shape.of(4));
        KilnException e = assertThrows(KilnException.class,
                () -> Losses.categoricalCrossEntropy(false).compute(p, p));
        assertTrue(e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void lossesHaveKerasNames() {
        for (String name : Losses.NAMES) {
            assertEquals(name, Losses.byName(name).name());
        }
        assertInstanceOf(MeanSquaredError.class, Losses.byName("mean_squared_error"));
        assertEquals(Reduction.SUM, ((PerSampleLoss) Losses.byName("mae", Reduction.SUM)).reduction());
        KilnException e = assertThrows(KilnException.class, () -> Losses.byName("hinge"));
        assertTrue(e.getMessage().contains("hinge"));
    }

    @Test
    void onlyClassIndexLossesTakeClassIndices() {
        assertTrue(Losses.sparseCategoricalCrossEntropy(true).takesClassIndices());
        assertTrue(Losses.nll().takesClassIndices());
        assertFalse(Losses.categoricalCrossEntropy(true).takesClassIndices());
        assertFalse(Losses.mse().takesClassIndices());
    }

    /** The fused mean or sum gives the bits of the reduced per-sample losses, and so does its gradient, in F32. */
    @Test
    void fusedReductionOfTheCrossEntropyKeepsTheBitsOfTheSeparateOne() {
        float[] logitValues = {0.3f, -1.7f, 2.2f, 0.9f, 0.1f, -0.4f, 1.3f, 3.1f, -2.5f, 0.05f, 0.7f, -0.9f};
        float[] oneHot = {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1};
        Tensor targets = Tensor.of(backend, Shape.of(4, 3), oneHot);
        for (Reduction reduction : Reduction.values()) {
            Tensor fusedLogits = Tensor.of(backend, Shape.of(4, 3), logitValues).requiresGrad(true);
            Tensor fused = new CategoricalCrossEntropy(true, reduction).compute(fusedLogits, targets);
            Autograd.backward(fused);
            Tensor logits = Tensor.of(backend, Shape.of(4, 3), logitValues).requiresGrad(true);
            Tensor separate = reduction.apply(Ops.softmaxCrossEntropy(logits, targets));
            Autograd.backward(separate);
            assertEquals(separate.item(), fused.item(), 0, reduction.name());
            assertArrayEquals(logits.grad().toDoubleArray(), fusedLogits.grad().toDoubleArray(), 0,
                    reduction.name());
            Tensor sparseLogits = Tensor.of(backend, Shape.of(4, 3), logitValues).requiresGrad(true);
            Tensor sparse = new SparseCategoricalCrossEntropy(true, reduction).compute(sparseLogits,
                    indices(2, 0, 1, 2));
            Autograd.backward(sparse);
            assertEquals(separate.item(), sparse.item(), 0, reduction.name());
            assertArrayEquals(logits.grad().toDoubleArray(), sparseLogits.grad().toDoubleArray(), 0,
                    reduction.name());
        }
    }

    @Test
    void lossBackwardLeavesNoBuffersBehind() {
        long before = backend.liveBuffers();
        Tensor x;
        try (MemoryScope step = MemoryScope.open()) {
            x = matrix(new double[][] {{1, 2, 3}}).keep().requiresGrad(true);
            Autograd.backward(Losses.sparseCategoricalCrossEntropy(true).compute(x, indices(2)));
            assertFalse(x.grad().isClosed());
        }
        x.close();
        assertEquals(before, backend.liveBuffers());
    }
}
