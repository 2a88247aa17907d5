package dev.kiln.opencl;

import dev.kiln.backend.DType;

/**
 * Which build of a kernel family a launch needs.
 *
 * @param dtype the element type ({@code real})
 * @param wide whether index arithmetic is 64-bit (a buffer of 2^31 elements or more) rather than 32-bit
 * @param gridStride whether 1-D kernels loop over capped ranges (GPUs) or take one index per work-item (CPU devices)
 */
record ProgramVariant(DType dtype, boolean wide, boolean gridStride) {
}
