package dev.kiln.loss;

import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every loss's gradient with respect to its predictions against central finite differences in F64. */
class LossesGradientTest extends OnCpuBackend {
    private static final int ROWS = 4;
    private static final int COLS = 3;
    /** Predictions, targets, and the loss, drawn so that no input sits on a kink (|p - t| &gt;= 0.1, p in (0, 1)). */
    record Case(String label, Loss loss, double[] predictions, double[] targets, Shape targetShape) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Arguments> cases() {
        SplittableRandom random = new SplittableRandom(11);
        int n = ROWS * COLS;
        double[] logits = draw(n, () -> random.nextDouble(-3, 3));
        double[] probabilities = draw(n, () -> random.nextDouble(0.05, 0.95));
        double[] offsets = draw(n, () -> (random.nextBoolean() ? 1 : -1) * random.nextDouble(0.1, 1));
        double[] shifted = new double[n];
        for (int i = 0; i < n; i++) {
            shifted[i] = logits[i] + offsets[i];
        }
        double[] softTargets = draw(n, () -> random.nextDouble(0, 1));
        double[] oneHot = new double[n];
        double[] indices = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            indices[r] = random.nextInt(COLS);
            oneHot[r * COLS + (int) indices[r]] = 1;
        }
        Shape matrix = Shape.of(ROWS, COLS);
        return Stream.of(
                new Case("mse", Losses.mse(), logits, shifted, matrix),
                new Case("mae", Losses.mae(), logits, shifted, matrix),
                new Case("mse sum", new MeanSquaredError(Reduction.SUM), logits, shifted, matrix),
                new Case("binary_crossentropy", Losses.binaryCrossEntropy(false), probabilities, softTargets, matrix),
                new Case("binary_crossentropy logits", Losses.binaryCrossEntropy(true), logits, softTargets, matrix),
                new Case("categorical_crossentropy", Losses.categoricalCrossEntropy(false), probabilities, oneHot,
                        matrix),
                new Case("categorical_crossentropy logits", Losses.categoricalCrossEntropy(true), logits, oneHot,
                        matrix),
                new Case("categorical_crossentropy logits sum", new CategoricalCrossEntropy(true, Reduction.SUM),
                        logits, oneHot, matrix),
                new Case("sparse_categorical_crossentropy", Losses.sparseCategoricalCrossEntropy(false),
                        probabilities, indices, Shape.of(ROWS)),
                new Case("sparse_categorical_crossentropy logits", Losses.sparseCategoricalCrossEntropy(true),
                        logits, indices, Shape.of(ROWS, 1)),
                new Case("nll", Losses.nll(), logits, indices, Shape.of(ROWS))).map(Arguments::of);
    }

    private static double[] draw(int n, DoubleSupplier value) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = value.getAsDouble();
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Case c) {
        try (Tensor predictions = Tensor.of(backend, Shape.of(ROWS, COLS), c.predictions());
             Tensor targets = Tensor.of(backend, c.loss().takesClassIndices() ? DType.I32 : DType.F64, c.targetShape(),
                     c.targets())) {
            GradientCheck.withDefaults()
                    .check(() -> c.loss().compute(predictions, targets), List.of(predictions))
                    .requirePassed();
        }
    }
}
