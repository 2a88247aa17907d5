package dev.kiln.backend;

/**
 * Element type of a buffer or tensor. F32 and F64 are the real types every computation runs in; I32 holds
 * indices only (class labels, embedding ids): it is allocated, transferred, copied and filled, and read as the
 * indices of {@link Backend#gather}, {@link Backend#scatterAdd} and {@link Backend#oneHot}, and no arithmetic
 * primitive accepts it.
 */
public enum DType {
    F32(4),
    F64(8),
    I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Whether this is a real (floating-point) type that arithmetic runs in: F32 or F64. */
    public boolean isReal() {
        return this != I32;
    }
}
