package dev.kiln.data.idx;

import dev.kiln.KilnException;
import java.util.Arrays;

/**
 * The header of an IDX file: two zero bytes, the type code, the number of dimensions, then each dimension as a
 * big-endian int. Constructing one validates it, so nothing is allocated for a header that cannot be right.
 *
 * @param type element type
 * @param dimensions sizes, outermost (the sample axis) first
 */
public record IdxHeader(IdxType type, int[] dimensions) {
    /** The largest payload read into one array. */
    static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 16L;

    public IdxHeader {
        dimensions = dimensions.clone();
        if (dimensions.length == 0 || dimensions.length > 255) {
            throw new KilnException("an IDX array needs 1 to 255 dimensions, got " + dimensions.length);
        }
        long elements = 1;
        for (int i = 0; i < dimensions.length; i++) {
            if (dimensions[i] <= 0) {
                throw new KilnException("IDX dimension " + i + " is " + dimensions[i] + ", expected a positive size");
            }
            elements *= dimensions[i];
            if (elements > MAX_DATA_BYTES / type.bytes()) {
                throw new KilnException("IDX dimensions " + Arrays.toString(dimensions) + " of " + type
                        + " need more than " + MAX_DATA_BYTES + " bytes, the most one array can hold");
            }
        }
    }

    /** Number of elements, the product of the dimensions. */
    public int elementCount() {
        int n = 1;
        for (int d : dimensions) {
            n *= d;
        }
        return n;
    }

    /** Bytes of the payload after the header. */
    public int dataBytes() {
        return elementCount() * type.bytes();
    }

    /** Bytes of the header itself: 4 for the magic number and 4 per dimension. */
    public int headerBytes() {
        return 4 + 4 * dimensions.length;
    }

    /** Size of the first dimension (the number of samples). */
    public int count() {
        return dimensions[0];
    }

    @Override
    public int[] dimensions() {
        return dimensions.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxHeader other && type == other.type && Arrays.equals(dimensions, other.dimensions);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(dimensions);
    }

    @Override
    public String toString() {
        return type + Arrays.toString(dimensions);
    }
}
