package dev.kiln.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jocl.Pointer;

/**
 * Direct memory that scalar kernel arguments and buffer handles pass through, one per backend: clSetKernelArg copies
 * an argument's value before it returns, so the same 8 bytes serve every such argument of every launch (under the
 * backend's lock) instead of a Java array and a pointer allocated per argument.
 */
final class ScalarArgument {
    private final ByteBuffer value = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder());
    private final Pointer pointer = Pointer.to(value);

    /** The bits of two 32-bit integers that {@link #of} lays out in memory as {@code first}, then {@code second}. */
    static long pair(int first, int second) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                ? (first & 0xFFFFFFFFL) | (long) second << Integer.SIZE
                : (long) first << Integer.SIZE | (second & 0xFFFFFFFFL);
    }

    /** The pointer to {@code bits} as a scalar of {@code size} bytes: the low 4 bytes' value when 4. */
    Pointer of(long bits, long size) {
        if (size == Integer.BYTES) {
            value.putInt(0, (int) bits);
        } else {
            value.putLong(0, bits);
        }
        return pointer;
    }
}
