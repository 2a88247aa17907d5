package dev.kiln.data.idx;

import dev.kiln.KilnException;
import java.nio.ByteBuffer;

/** The element types of the IDX format, by their type code in the header's third byte. */
public enum IdxType {
    UNSIGNED_BYTE(0x08, 1),
    SIGNED_BYTE(0x09, 1),
    SHORT(0x0B, 2),
    INT(0x0C, 4),
    FLOAT(0x0D, 4),
    DOUBLE(0x0E, 8);

    private final int code;
    private final int bytes;

    IdxType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The type code written in the header. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The type with header code {@code code}, or an exception listing the valid codes. */
    public static IdxType ofCode(int code, String source) {
        for (IdxType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new KilnException(source + ": unknown IDX type code 0x" + Integer.toHexString(code)
                + ", expected one of 0x08 (unsigned byte), 0x09 (signed byte), 0x0B (short), 0x0C (int),"
                + " 0x0D (float), 0x0E (double)");
    }

    /** Element {@code index} of big-endian {@code data}, widened to double. */
    double read(ByteBuffer data, int index) {
        int at = index * bytes;
        return switch (this) {
            case UNSIGNED_BYTE -> data.get(at) & 0xFF;
            case SIGNED_BYTE -> data.get(at);
            case SHORT -> data.getShort(at);
            case INT -> data.getInt(at);
            case FLOAT -> data.getFloat(at);
            case DOUBLE -> data.getDouble(at);
        };
    }

    /** Writes {@code value} as element {@code index} of big-endian {@code data}. */
    void write(ByteBuffer data, int index, double value) {
        int at = index * bytes;
        switch (this) {
            case UNSIGNED_BYTE, SIGNED_BYTE -> data.put(at, (byte) value);
            case SHORT -> data.putShort(at, (short) value);
            case INT -> data.putInt(at, (int) value);
            case FLOAT -> data.putFloat(at, (float) value);
            case DOUBLE -> data.putDouble(at, value);
        }
    }
}
