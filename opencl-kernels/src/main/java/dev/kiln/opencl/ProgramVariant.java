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
    // equals and hashCode written out: a record's own bootstrap method handles, about 20 ms of the backend's start

    @Override
    public boolean equals(Object other) {
        return other instanceof ProgramVariant v && dtype == v.dtype && wide == v.wide && gridStride == v.gridStride;
    }

    @Override
    public int hashCode() {
        return (dtype.ordinal() * 2 + (wide ? 1 : 0)) * 2 + (gridStride ? 1 : 0);
    }
}
