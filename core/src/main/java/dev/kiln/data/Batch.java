package dev.kiln.data;

import dev.kiln.tensor.Tensor;

/**
 * One mini-batch on the device, owned by the memory scope open when it was loaded.
 *
 * @param features [size, ...feature shape]
 * @param labels [size, ...label shape]
 * @param size number of samples
 */
public record Batch(Tensor features, Tensor labels, int size) {
}
