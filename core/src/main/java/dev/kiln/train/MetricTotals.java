package dev.kiln.train;

import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.DType;
import dev.kiln.metric.Metric;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Device-side running totals of the metrics over an epoch, read back to the host once per epoch. */
final class MetricTotals implements AutoCloseable {
    private final List<Metric> metrics;
    private final Backend backend;
    private final Tensor[] totals;
    private final Tensor gathered;

    MetricTotals(List<Metric> metrics, Backend backend, DType dtype) {
        this.metrics = metrics;
        this.backend = backend;
        this.totals = new Tensor[metrics.size()];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = Tensor.zeros(backend, dtype, Shape.of(1)).keep();
        }
        this.gathered = Tensor.zeros(backend, dtype, Shape.of(Math.max(1, totals.length))).keep();
    }

    void reset() {
        for (Tensor t : totals) {
            backend.fill(t.buffer(), 0);
        }
    }

    /** Adds each metric's batch total; call with gradients disabled, inside the step's memory scope. */
    void add(Tensor predictions, Tensor targets) {
        for (int i = 0; i < totals.length; i++) {
            Tensor batchTotal = metrics.get(i).batchTotal(predictions, targets);
            backend.binary(BinaryOp.ADD, Broadcast.same(1), totals[i].buffer(), batchTotal.buffer(), totals[i].buffer());
        }
    }

    /** Every metric's total divided by {@code samples}, by name; one download for all of them. */
    Map<String, Double> means(int samples) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (totals.length == 0) {
            return out;
        }
        for (int i = 0; i < totals.length; i++) {
            backend.copy(totals[i].buffer(), 0, gathered.buffer(), i, 1);
        }
        double[] values = gathered.toDoubleArray();
        for (int i = 0; i < totals.length; i++) {
            out.put(metrics.get(i).name(), values[i] / samples);
        }
        return out;
    }

    @Override
    public void close() {
        for (Tensor t : totals) {
            t.close();
        }
        gathered.close();
    }
}
