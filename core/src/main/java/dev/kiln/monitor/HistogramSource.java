package dev.kiln.monitor;

import dev.kiln.tensor.Tensor;
import java.util.Optional;

/** Computes the histogram of a tensor's values. */
@FunctionalInterface
public interface HistogramSource {

    /** The histogram of {@code values}, or empty when they have none (no elements, or a NaN or infinity). */
    Optional<Histogram> of(Tensor values);
}
