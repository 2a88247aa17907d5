package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.ArrayDataset;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every kind of bad input fails with a message naming what is wrong and what was expected. */
class BadInputTest {
    private static final FitOptions QUIET = FitOptions.builder().epochs(2).log(false).build();
    private Backend backend;
    private Sequential model;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
        model = Sequential.on(backend, new Dense(3));
    }

    @AfterEach
    void close() {
        model.close();
        backend.close();
    }

    private static void assertFailsMentioning(Executable action, String... parts) {
        KilnException e = assertThrows(KilnException.class, action);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }

    private static double[][] rows(int n, int width, double value) {
        double[][] r = new double[n][width];
        for (double[] row : r) {
            Arrays.fill(row, value);
        }
        return r;
    }

    @Test
    void rowCountsOfXAndYMustMatch() {
        model.compile(Losses.mse(), new Sgd(0.1));
        assertFailsMentioning(() -> model.fit(rows(4, 2, 0), rows(3, 3, 0), QUIET), "4 samples", "3");
    }

    @Test
    void inputWidthMustMatchTheBuiltModel() {
        model.compile(Losses.mse(), new Sgd(0.1));
        model.build(Shape.of(2));
        assertFailsMentioning(() -> model.fit(rows(4, 5, 0), rows(4, 3, 0), QUIET), "[?, 2]", "[?, 5]");
    }

    @Test
    void labelsMustMatchThePredictions() {
        model.compile(Losses.mse(), new Sgd(0.1));
        assertFailsMentioning(() -> model.fit(rows(4, 2, 0), rows(4, 2, 0), QUIET), "mse", "[?, 2]", "[?, 3]");
    }

    @Test
    void nonFiniteInputsFailBeforeTrainingWithTheSample() {
        model.compile(Losses.mse(), new Sgd(0.1));
        double[][] x = rows(4, 2, 0.5);
        x[2][1] = Double.NaN;
        model.build(Shape.of(2));
        double[] before = model.parameters().get(0).toDoubleArray();
        assertFailsMentioning(() -> model.fit(x, rows(4, 3, 0), QUIET), "NaN", "sample 2", "checkFinite");
        assertArrayEquals(before, model.parameters().get(0).toDoubleArray());
    }

    @Test
    void infiniteLabelsFailBeforeTraining() {
        model.compile(Losses.mse(), new Sgd(0.1));
        double[][] y = rows(4, 3, 0);
        y[1][0] = Double.POSITIVE_INFINITY;
        assertFailsMentioning(() -> model.fit(rows(4, 2, 0), y, QUIET), "labels", "Infinity", "sample 1");
    }

    @Test
    void theFiniteCheckCanBeDisabled() {
        model.compile(Losses.mse(), new Sgd(0.1));
        double[][] x = rows(4, 2, 0.5);
        x[0][0] = Double.NaN;
        History history = model.fit(x, rows(4, 3, 0), QUIET.toBuilder().checkFinite(false).shuffle(false).build());
        // Without the check the NaN reaches the loss, which stops training at the first step.
        assertTrue(history.stoppedEarly());
        assertTrue(history.stopReason().contains("epoch 1, step 1"), history.stopReason());
    }

    @Test
    void sparseClassLabelsMustBeInsideTheOutputRange() {
        model.compile(Losses.sparseCategoricalCrossEntropy(true), new Sgd(0.1));
        assertFailsMentioning(() -> model.fit(rows(3, 2, 0), new int[] {0, 2, 3}, QUIET),
                "sample 2", "3.0", "[0, 2]");
        assertFailsMentioning(() -> model.fit(rows(3, 2, 0), new int[] {0, -1, 1}, QUIET), "sample 1", "-1.0");
    }

    @Test
    void sparseLabelsAreOnePerSample() {
        model.compile(Losses.sparseCategoricalCrossEntropy(true), new Sgd(0.1));
        assertFailsMentioning(() -> model.fit(rows(3, 2, 0), rows(3, 3, 0), QUIET), "class index", "[?, 3]");
    }

    @Test
    void categoricalLabelsMustBeOneHot() {
        model.compile(Losses.categoricalCrossEntropy(true), new Sgd(0.1));
        double[][] y = {{1, 0, 0}, {0, 1, 0}, {0, 1, 1}};
        assertFailsMentioning(() -> model.fit(rows(3, 2, 0), y, QUIET), "sample 2", "not one-hot", "[0, 2]");
    }

    @Test
    void binaryLabelsMustLieInTheUnitInterval() {
        try (Sequential binary = Sequential.on(backend, new Dense(1))) {
            binary.compile(Losses.binaryCrossEntropy(true), new Sgd(0.1));
            assertFailsMentioning(() -> binary.fit(rows(3, 2, 0), new double[][] {{0}, {1}, {2}}, QUIET),
                    "sample 2", "2.0", "[0, 1]");
        }
    }

    @Test
    void negativeLogLikelihoodTakesClassIndicesToo() {
        model.compile(Losses.nll(), new Sgd(0.1));
        assertFailsMentioning(() -> model.fit(rows(2, 2, 0), new int[] {1, 5}, QUIET), "sample 1", "5.0", "[0, 2]");
    }

    @Test
    void validSparseLabelsTrain() {
        model.compile(Losses.sparseCategoricalCrossEntropy(true), new Sgd(0.1));
        History history = model.fit(rows(3, 2, 0.5), new int[] {0, 2, 1}, QUIET);
        assertEquals(2, history.epochs().size());
    }

    @Test
    void aDivergingLossStopsWithTheEpochStepAndAdvice() {
        double[][] x = rows(8, 2, 100);
        double[][] y = rows(8, 3, 100);
        model.compile(Losses.mse(), new Sgd(1e6));
        History history = model.fit(x, y, FitOptions.builder().epochs(5).batchSize(1).log(false).build());
        assertTrue(history.stoppedEarly());
        assertTrue(history.epochs().isEmpty(), "stopped inside the first epoch");
        String reason = history.stopReason();
        assertTrue(reason.contains("epoch 1, step ") && reason.contains("lower learning rate"), reason);
    }

    @Test
    void usingTheModelBeforeCompileIsExplained() {
        assertFailsMentioning(() -> model.fit(rows(2, 2, 0), rows(2, 3, 0), QUIET), "compile");
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(KilnException.class, () -> FitOptions.builder().epochs(0).build());
        assertThrows(KilnException.class, () -> FitOptions.builder().batchSize(-1).build());
        assertThrows(KilnException.class, () -> FitOptions.builder().validationSplit(1.0).build());
        assertThrows(KilnException.class, () -> FitOptions.builder().validationSplit(0.2)
                .validationData(ArrayDataset.of(rows(1, 2, 0), rows(1, 3, 0))).build());
        model.compile(Losses.mse(), new Sgd(0.1));
        assertFailsMentioning(() -> model.fit(rows(2, 2, 0), rows(2, 3, 0),
                FitOptions.builder().validationSplit(0.9).log(false).build()), "validation split");
        assertEquals(List.of(), QUIET.callbacks());
    }
}
