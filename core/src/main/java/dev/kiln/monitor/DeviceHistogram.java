package dev.kiln.monitor;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.op.Ops;
import dev.kiln.op.StatisticsOps;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import java.util.Optional;

/**
 * Histograms computed on the tensor's device ({@link StatisticsOps#histogram}): only the range, the two sums and
 * the bucket counts come back, so watching a model's weights does not read the weights back.
 */
public final class DeviceHistogram implements HistogramSource {
    private final int buckets;

    /** @param buckets the number of equal-width buckets (TensorBoard's own default is 30) */
    public DeviceHistogram(int buckets) {
        if (buckets < 1) {
            throw new KilnException("a histogram needs at least one bucket, got " + buckets);
        }
        this.buckets = buckets;
    }

    @Override
    public Optional<Histogram> of(Tensor values) {
        if (values.size() == 0) {
            return Optional.empty();
        }
        try (MemoryScope scope = MemoryScope.open(); GradMode.Restore off = GradMode.disabled()) {
            double sum = Ops.sum(values).item();
            double squares = Ops.sum(Ops.mul(values, values)).item();
            // a NaN or infinity (training diverged) has no finite buckets; the callback skips it
            if (!Double.isFinite(sum) || !Double.isFinite(squares)) {
                return Optional.empty();
            }
            dev.kiln.op.Histogram counted = StatisticsOps.histogram(values, buckets);
            double[] limits = new double[buckets];
            double[] counts = new double[buckets];
            for (int b = 0; b < buckets; b++) {
                limits[b] = counted.edge(b + 1);
                counts[b] = counted.counts()[b];
            }
            return Optional.of(new Histogram(counted.low(), counted.high(), sum, squares, limits, counts));
        }
    }
}
