package dev.kiln.monitor;

import dev.kiln.tensor.Tensor;

/** Computes the histogram of a tensor's values, on the host or on the tensor's device. */
@FunctionalInterface
public interface HistogramSource {

    Histogram of(Tensor values);
}
