package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.ArrayDataset;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Class indices given as int reach the losses as I32 tensors, and train as their one-hot rows do. */
class ClassIndexLabelsTest {
    private static final int SAMPLES = 24;
    private static final int FEATURES = 5;
    private static final int CLASSES = 4;

    private Backend backend;
    private final double[][] x = new double[SAMPLES][FEATURES];
    private final int[] classes = new int[SAMPLES];
    private final double[][] oneHot = new double[SAMPLES][CLASSES];

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
        SplittableRandom random = new SplittableRandom(5);
        for (int s = 0; s < SAMPLES; s++) {
            for (int f = 0; f < FEATURES; f++) {
                x[s][f] = random.nextDouble(-1, 1);
            }
            classes[s] = random.nextInt(CLASSES);
            oneHot[s][classes[s]] = 1;
        }
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private Sequential model(DType dtype) {
        return (Sequential) Sequential.on(backend, new Dense(6, ActivationFunction.TANH), new Dense(CLASSES))
                .dtype(dtype).seed(17);
    }

    private static FitOptions options(int epochs) {
        return FitOptions.builder().epochs(epochs).batchSize(8).shuffle(false).log(false).build();
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void sparseStepsWithIntLabelsMatchCategoricalStepsWithOneHotRows(DType dtype) {
        try (Sequential sparse = model(dtype); Sequential dense = model(dtype)) {
            sparse.compile(Losses.sparseCategoricalCrossEntropy(true), new Sgd(0.5), Metrics.byName("accuracy",
                    Losses.sparseCategoricalCrossEntropy(true)));
            dense.compile(Losses.categoricalCrossEntropy(true), new Sgd(0.5), Metrics.byName("accuracy",
                    Losses.categoricalCrossEntropy(true)));
            History a = sparse.fit(ArrayDataset.of(x, classes), options(3));
            History b = dense.fit(x, oneHot, options(3));
            double tolerance = dtype == DType.F64 ? 1e-12 : 1e-5;
            assertEquals(b.last().loss(), a.last().loss(), tolerance);
            assertEquals(b.last().value("accuracy"), a.last().value("accuracy"), 1e-12);
            for (String name : dense.namedParameters().keySet()) {
                double[] expected = dense.namedParameters().get(name).toDoubleArray();
                double[] actual = sparse.namedParameters().get(name).toDoubleArray();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], tolerance, name + "[" + i + "]");
                }
            }
            Evaluation sparseEvaluation = sparse.evaluate(ArrayDataset.of(x, classes));
            assertEquals(dense.evaluate(x, oneHot).loss(), sparseEvaluation.loss(), tolerance);
        }
    }

    @Test
    void classIndicesStoredAsNumbersAreConvertedWhereTheyEnter() {
        double[][] column = new double[SAMPLES][1];
        for (int s = 0; s < SAMPLES; s++) {
            column[s][0] = classes[s];
        }
        try (Sequential fromInts = model(DType.F32); Sequential fromNumbers = model(DType.F32)) {
            fromInts.compile(Losses.sparseCategoricalCrossEntropy(true), new Sgd(0.5));
            fromNumbers.compile(Losses.sparseCategoricalCrossEntropy(true), new Sgd(0.5));
            double a = fromInts.fit(x, classes, options(2)).last().loss();
            double b = fromNumbers.fit(x, column, options(2)).last().loss();
            assertEquals(a, b, 0);
        }
    }

    @Test
    void aFloatTensorOfIndicesIsRefusedWithTheLossName() {
        try (Sequential model = model(DType.F32)) {
            model.compile(Losses.sparseCategoricalCrossEntropy(true), new Sgd(0.5));
            model.build(java.util.List.of(Shape.of(FEATURES)));
            Tensor logits = Tensor.zeros(backend, DType.F32, Shape.of(2, CLASSES));
            Tensor floats = Tensor.of(backend, Shape.of(2), 1f, 3f);
            KilnException e = assertThrows(KilnException.class,
                    () -> Losses.sparseCategoricalCrossEntropy(true).compute(logits, floats));
            assertTrue(e.getMessage().contains("sparse_categorical_crossentropy") && e.getMessage().contains("I32"),
                    e.getMessage());
            logits.close();
            floats.close();
        }
    }
}
