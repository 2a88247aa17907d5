package dev.kiln.train;

import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.metric.Metric;
import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Device-side running totals of named quantities (metrics, per-output losses, the regularization penalty) over an
 * epoch, read back to the host once per epoch.
 */
final class MetricTotals implements AutoCloseable {
    private final List<String> names;
    private final Tensor[] totals;
    private final Tensor gathered;

    MetricTotals(List<String> names, Backend backend, DType dtype) {
        this.names = List.copyOf(names);
        this.totals = new Tensor[names.size()];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = Tensor.zeros(backend, dtype, Shape.of(1)).keep();
        }
        this.gathered = Tensor.zeros(backend, dtype, Shape.of(Math.max(1, totals.length))).keep();
    }

    void reset() {
        for (Tensor t : totals) {
            InPlaceOps.fill(t, 0);
        }
    }

    /** Adds a batch's total (a one-element tensor) to quantity {@code index}; no host transfer. */
    void add(int index, Tensor batchTotal) {
        InPlaceOps.addInto(totals[index], batchTotal);
    }

    /** Adds {@code metric}'s total over a batch to quantity {@code index}; no host transfer. */
    void add(int index, Metric metric, Tensor predictions, Tensor targets) {
        metric.addBatchTotal(totals[index], predictions, targets);
    }

    /** Every total divided by {@code samples}, by name; one download for all of them. */
    Map<String, Double> means(int samples) {
        return means(sums(), samples);
    }

    /** The names with {@code sums} divided by {@code samples}. */
    Map<String, Double> means(double[] sums, int samples) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < totals.length; i++) {
            out.put(names.get(i), sums[i] / samples);
        }
        return out;
    }

    /** The totals, in the order of the names; one download for all of them. */
    double[] sums() {
        if (totals.length == 0) {
            return new double[0];
        }
        for (int i = 0; i < totals.length; i++) {
            InPlaceOps.assign(gathered, i, totals[i]);
        }
        return Arrays.copyOf(gathered.toDoubleArray(), totals.length);
    }

    @Override
    public void close() {
        for (Tensor t : totals) {
            t.close();
        }
        gathered.close();
    }
}
