package dev.kiln.monitor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing: uint64 little-endian length, masked CRC32C of the length, the data, masked CRC32C of the data.
 * Each record is written whole, so a crash can damage at most the last one, which readers then skip.
 */
final class RecordFraming {
    private static final int MASK_DELTA = 0xa282ead8;

    private RecordFraming() {
    }

    /** The framed record holding {@code data}. */
    static byte[] frame(byte[] data) {
        ByteBuffer record = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        record.putLong(data.length);
        record.putInt(maskedCrc(record.array(), 0, 8));
        record.put(data);
        record.putInt(maskedCrc(data, 0, data.length));
        return record.array();
    }

    /** CRC32C rotated right by 15 bits plus a constant, as TFRecord stores it. */
    static int maskedCrc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }
}
