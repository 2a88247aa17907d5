package dev.kiln.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.loss.Losses;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.InScopeOnCpuBackend;
import org.junit.jupiter.api.Test;

/** Batch totals of every metric against values counted by hand. */
class MetricsTest extends InScopeOnCpuBackend {
    private static Tensor matrix(double[][] rows) {
        return Tensor.fromRows(backend, DType.F32, rows);
    }

    private static double total(Metric metric, Tensor predictions, Tensor targets) {
        Tensor out = metric.batchTotal(predictions, targets);
        assertEquals(Shape.of(), out.shape());
        return out.item();
    }

    @Test
    void binaryAccuracyThresholdsAtOneHalf() {
        Tensor p = matrix(new double[][] {{0.9}, {0.4}, {0.6}, {0.2}});
        Tensor t = matrix(new double[][] {{1}, {1}, {0}, {0}});
        assertEquals(2, total(Metrics.binaryAccuracy(), p, t));
        assertEquals(3, total(new BinaryAccuracy(0.3), p, t));
    }

    @Test
    void binaryAccuracyAveragesTheOutputsOfASample() {
        Tensor p = matrix(new double[][] {{0.9, 0.1}, {0.6, 0.7}});
        Tensor t = matrix(new double[][] {{1, 1}, {1, 1}});
        assertEquals(1.5, total(Metrics.binaryAccuracy(), p, t));
    }

    @Test
    void categoricalAccuracyComparesArgmaxes() {
        Tensor p = matrix(new double[][] {{0.1, 0.7, 0.2}, {0.5, 0.3, 0.2}, {0.2, 0.2, 0.6}});
        Tensor t = matrix(new double[][] {{0, 1, 0}, {0, 0, 1}, {0, 0, 1}});
        assertEquals(2, total(Metrics.categoricalAccuracy(), p, t));
    }

    @Test
    void sparseCategoricalAccuracyComparesArgmaxWithTheIndex() {
        Tensor p = matrix(new double[][] {{0.1, 0.7, 0.2}, {0.5, 0.3, 0.2}, {0.2, 0.2, 0.6}});
        Tensor indices = Tensor.of(backend, Shape.of(3), 1, 2, 2);
        assertEquals(2, total(Metrics.sparseCategoricalAccuracy(), p, indices));
        assertEquals(2, total(Metrics.sparseCategoricalAccuracy(), p, indices.view(Shape.of(3, 1))));
        // An index outside [0, classes) is never right, not even where argmax is 0.
        assertEquals(0, total(Metrics.sparseCategoricalAccuracy(), p, Tensor.of(backend, Shape.of(3), 3, -1, 7)));
        KilnException e = assertThrows(KilnException.class, () -> Metrics.sparseCategoricalAccuracy().batchTotal(p,
                Tensor.of(backend, Shape.of(3), 1f, 2f, 2f)));
        assertTrue(e.getMessage().contains("sparse_categorical_accuracy") && e.getMessage().contains("I32"),
                e.getMessage());
    }

    @Test
    void accuraciesCountedIntoARunningTotalMatchTheirBatchTotals() {
        // Ties (the first largest wins), NaN (the largest), soft targets and indices outside [0, classes).
        Tensor p = matrix(new double[][] {{1, 3, 3}, {2, 2, 1}, {0, Double.NaN, 5}, {Double.NaN, 1, Double.NaN},
                {0.1, 0.2, 0.7}, {0.5, 0.4, 0.1}});
        Tensor soft = matrix(new double[][] {{0.2, 0.4, 0.4}, {0.5, 0.5, 0}, {0.1, 0.1, 0.8}, {0.4, 0.3, 0.3},
                {0.1, 0.8, 0.1}, {0.2, 0.7, 0.1}});
        Tensor indices = Tensor.of(backend, Shape.of(6), 1, 0, 2, 0, 3, -1);
        Metric categorical = new RenamedMetric("accuracy", Metrics.categoricalAccuracy());
        Metric sparse = Metrics.sparseCategoricalAccuracy();
        for (Metric metric : new Metric[] {categorical, sparse}) {
            Tensor targets = metric == sparse ? indices : soft;
            Tensor total = Tensor.full(backend, DType.F32, Shape.of(1), 5);
            metric.addBatchTotal(total, p, targets);
            metric.addBatchTotal(total, p, targets);
            double batch = total(metric, p, targets);
            assertEquals(3, batch, metric.name());
            assertEquals(5 + 2 * batch, total.item(), metric.name());
        }
    }

    @Test
    void errorsAreMeansOverOutputsSummedOverSamples() {
        Tensor p = matrix(new double[][] {{1, 2}, {3, 4}});
        Tensor t = matrix(new double[][] {{1, 0}, {5, 1}});
        // squared: (0 + 4) / 2 + (4 + 9) / 2; absolute: (0 + 2) / 2 + (2 + 3) / 2
        assertEquals(8.5, total(Metrics.mse(), p, t), 1e-6);
        assertEquals(3.5, total(Metrics.mae(), p, t), 1e-6);
    }

    @Test
    void totalsRecordNoGradient() {
        Tensor p = matrix(new double[][] {{1, 2}}).requiresGrad(true);
        Tensor t = matrix(new double[][] {{0, 0}});
        assertNull(Metrics.mse().batchTotal(p, t).node());
    }

    @Test
    void totalsLeaveOnlyTheirResultBehind() {
        Tensor p = matrix(new double[][] {{0.9}, {0.4}});
        Tensor t = matrix(new double[][] {{1}, {1}});
        long before = backend.liveBuffers();
        Tensor result = Metrics.binaryAccuracy().batchTotal(p, t);
        assertEquals(before + 1, backend.liveBuffers());
        result.close();
        assertEquals(before, backend.liveBuffers());
    }

    @Test
    void mismatchedShapesNameTheMetricAndBothShapes() {
        Tensor p = Tensor.zeros(backend, DType.F32, Shape.of(4, 2));
        Tensor t = Tensor.zeros(backend, DType.F32, Shape.of(4, 3));
        for (Metric metric : new Metric[] {Metrics.binaryAccuracy(), Metrics.categoricalAccuracy(), Metrics.mse()}) {
            KilnException e = assertThrows(KilnException.class, () -> metric.batchTotal(p, t));
            assertTrue(e.getMessage().contains(metric.name()) && e.getMessage().contains("[4, 2]")
                    && e.getMessage().contains("[4, 3]"), e.getMessage());
        }
        KilnException e = assertThrows(KilnException.class,
                () -> Metrics.sparseCategoricalAccuracy().batchTotal(p, Tensor.zeros(backend, DType.I32, Shape.of(3))));
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void accuracyFollowsTheLossAsInKeras() {
        assertEquals("accuracy", Metrics.byName("accuracy", Losses.mse()).name());
        Tensor p = matrix(new double[][] {{0.9}, {0.4}});
        Tensor t = matrix(new double[][] {{1}, {1}});
        assertEquals(1, total(Metrics.accuracyFor(Losses.binaryCrossEntropy(false)), p, t));
        Tensor scores = matrix(new double[][] {{0.1, 0.9}, {0.8, 0.2}});
        Tensor indices = Tensor.of(backend, Shape.of(2), 1, 1);
        assertEquals(1, total(Metrics.accuracyFor(Losses.sparseCategoricalCrossEntropy(true)), scores, indices));
        assertEquals(1, total(Metrics.accuracyFor(Losses.nll()), scores, indices));
        Tensor oneHot = matrix(new double[][] {{0, 1}, {1, 0}});
        assertEquals(2, total(Metrics.accuracyFor(Losses.categoricalCrossEntropy(true)), scores, oneHot));
    }

    @Test
    void metricsHaveKerasNames() {
        for (String name : Metrics.NAMES) {
            assertEquals(name, Metrics.byName(name, Losses.mse()).name());
        }
        assertThrows(KilnException.class, () -> Metrics.byName("auc", Losses.mse()));
    }
}
