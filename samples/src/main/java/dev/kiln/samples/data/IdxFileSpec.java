package dev.kiln.samples.data;

import dev.kiln.data.idx.IdxHeader;
import dev.kiln.data.idx.IdxType;

/**
 * One file of a data set and the header it must have.
 *
 * @param name the file name without {@code .gz} ("train-images-idx3-ubyte")
 * @param header the expected element type and dimensions
 */
public record IdxFileSpec(String name, IdxHeader header) {
    /** An unsigned-byte file of {@code dimensions}. */
    public static IdxFileSpec bytes(String name, int... dimensions) {
        return new IdxFileSpec(name, new IdxHeader(IdxType.UNSIGNED_BYTE, dimensions));
    }
}
