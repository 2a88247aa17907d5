package dev.kiln.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jocl.Pointer;

/**
 * Direct memory that scalar kernel arguments pass through, one per backend: clSetKernelArg copies an argument's
 * value before it returns, so the same 16 bytes serve every argument of every launch (under the backend's lock)
 * instead of a Java array and a pointer allocated per argument.
 */
final class ScalarArgument {
    private final ByteBuffer value = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private final Pointer pointer = Pointer.to(value);

    /** The pointer to {@code v} as a 32-bit integer. */
    Pointer ofInt(int v) {
        value.putInt(0, v);
        return pointer;
    }

    /** The pointer to {@code first} and {@code second} as two consecutive 32-bit integers. */
    Pointer ofInts(int first, int second) {
        value.putInt(0, first).putInt(Integer.BYTES, second);
        return pointer;
    }

    /** The pointer to {@code v} as a 64-bit integer. */
    Pointer ofLong(long v) {
        value.putLong(0, v);
        return pointer;
    }

    /** The pointer to {@code v} as a float. */
    Pointer ofFloat(float v) {
        value.putFloat(0, v);
        return pointer;
    }

    /** The pointer to {@code v} as a double. */
    Pointer ofDouble(double v) {
        value.putDouble(0, v);
        return pointer;
    }
}
