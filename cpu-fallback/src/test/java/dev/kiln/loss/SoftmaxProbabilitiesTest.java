package dev.kiln.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.check.GradientCheck;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Categorical cross-entropy of probabilities recorded as a softmax takes the fused path from the logits. */
class SoftmaxProbabilitiesTest extends OnCpuBackend {
    private static final double[] LOGITS = {0.5, -1.2, 2.0, 1.5, 0.3, -0.7};
    private static final double[] ONE_HOT = {0, 0, 1, 0, 1, 0};
    @Test
    void lossIsTheCrossEntropyOfTheSoftmax() {
        try (Tensor logits = Tensor.of(backend, Shape.of(2, 3), LOGITS).requiresGrad(true);
             Tensor targets = Tensor.of(backend, Shape.of(2, 3), ONE_HOT)) {
            double expected = 0;
            for (int r = 0; r < 2; r++) {
                double norm = 0;
                for (int c = 0; c < 3; c++) {
                    norm += Math.exp(LOGITS[r * 3 + c]);
                }
                for (int c = 0; c < 3; c++) {
                    expected -= ONE_HOT[r * 3 + c] * (LOGITS[r * 3 + c] - Math.log(norm)) / 2;
                }
            }
            Tensor loss = Losses.categoricalCrossEntropy(false).compute(Ops.softmax(logits), targets);
            assertEquals(expected, loss.item(), 1e-12);
        }
    }

    @Test
    void gradientWithRespectToTheLogitsMatchesFiniteDifferences() {
        try (Tensor logits = Tensor.of(backend, Shape.of(2, 3), LOGITS).requiresGrad(true);
             Tensor targets = Tensor.of(backend, Shape.of(2, 3), ONE_HOT)) {
            GradientCheck.withDefaults()
                    .check(() -> Losses.categoricalCrossEntropy(false).compute(Ops.softmax(logits), targets),
                            List.of(logits))
                    .requirePassed();
        }
    }

    @Test
    void aVanishingTargetProbabilityStillPullsItsLogit() {
        try (Tensor logits = Tensor.of(backend, Shape.of(1, 2), new double[] {0, 40}).requiresGrad(true);
             Tensor targets = Tensor.of(backend, Shape.of(1, 2), new double[] {1, 0})) {
            Tensor loss = Losses.categoricalCrossEntropy(false).compute(Ops.softmax(logits), targets);
            assertEquals(40, loss.item(), 1e-9);
            Autograd.backward(loss);
            assertArrayEquals(new double[] {-1, 1}, logits.grad().toDoubleArray(), 1e-9);
        }
    }

    @Test
    void evaluationWithoutGradientsTakesTheSamePathAndPlainProbabilitiesAreClipped() {
        try (MemoryScope scope = MemoryScope.open();
             GradMode.Restore ignored = GradMode.disabled()) {
            Tensor logits = Tensor.of(backend, Shape.of(1, 2), new double[] {0, 40});
            Tensor targets = Tensor.of(backend, Shape.of(1, 2), new double[] {1, 0});
            Tensor probabilities = Ops.softmax(logits);
            assertEquals(40, Losses.categoricalCrossEntropy(false).compute(probabilities, targets).item(), 1e-9);
            // the same numbers not known to be a softmax go through the clip, as Keras does: -ln(1e-7)
            Tensor plain = Tensor.of(backend, Shape.of(1, 2), probabilities.toDoubleArray());
            assertEquals(-Math.log(1e-7), Losses.categoricalCrossEntropy(false).compute(plain, targets).item(), 1e-6);
        }
    }
}
