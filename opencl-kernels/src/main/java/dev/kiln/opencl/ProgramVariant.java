package dev.kiln.opencl;

import dev.kiln.backend.DType;

/**
 * Which build of a kernel family a launch needs.
 *
 * @param dtype the element type ({@code real})
 * @param wide whether index arithmetic is 64-bit (a buffer of 2^31 elements or more) rather than 32-bit
 */
record ProgramVariant(DType dtype, boolean wide) {
}
