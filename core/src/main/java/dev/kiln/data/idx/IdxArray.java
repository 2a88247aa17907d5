package dev.kiln.data.idx;

import dev.kiln.KilnException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The contents of one IDX file: its header and its payload, kept as the file's big-endian bytes so that an
 * unsigned-byte image set costs one byte per pixel until it is converted.
 */
public final class IdxArray {
    private final IdxHeader header;
    private final ByteBuffer data;

    IdxArray(IdxHeader header, byte[] payload) {
        if (payload.length != header.dataBytes()) {
            throw new KilnException("IDX payload has " + payload.length + " bytes, header " + header + " needs "
                    + header.dataBytes());
        }
        this.header = header;
        this.data = ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN);
    }

    /** An array of {@code type} with {@code dimensions}, holding {@code values} (narrowed to the type). */
    public static IdxArray of(IdxType type, int[] dimensions, double... values) {
        IdxHeader header = new IdxHeader(type, dimensions);
        if (values.length != header.elementCount()) {
            throw new KilnException(values.length + " values given for IDX dimensions " + header + ", expected "
                    + header.elementCount());
        }
        IdxArray array = new IdxArray(header, new byte[header.dataBytes()]);
        for (int i = 0; i < values.length; i++) {
            type.write(array.data, i, values[i]);
        }
        return array;
    }

    public IdxHeader header() {
        return header;
    }

    /** Element {@code index} in row-major order, widened to double. */
    public double get(int index) {
        if (index < 0 || index >= header.elementCount()) {
            throw new KilnException("IDX element " + index + " is outside " + header);
        }
        return header.type().read(data, index);
    }

    /** All elements as floats multiplied by {@code scale} (1/255f turns pixels into [0, 1]). */
    public float[] toFloats(float scale) {
        float[] out = new float[header.elementCount()];
        IdxType type = header.type();
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) type.read(data, i) * scale;
        }
        return out;
    }

    /** All elements as ints; fails for a floating-point array. */
    public int[] toInts() {
        IdxType type = header.type();
        if (type == IdxType.FLOAT || type == IdxType.DOUBLE) {
            throw new KilnException("IDX array of " + type + " holds no integers, expected an integer type");
        }
        int[] out = new int[header.elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) type.read(data, i);
        }
        return out;
    }

    /** The payload bytes, big-endian as in the file (a copy). */
    public byte[] payload() {
        byte[] copy = new byte[data.capacity()];
        data.get(0, copy);
        return copy;
    }
}
