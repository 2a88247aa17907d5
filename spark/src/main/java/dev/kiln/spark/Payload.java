package dev.kiln.spark;

import dev.kiln.KilnException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Numbers the tasks exchange: a sample count, then arrays of values as little-endian float32 (a float32 model's
 * values lose nothing) or float64. An absent array (a parameter the loss does not reach) is sent as length -1.
 */
final class Payload {
    private Payload() {
    }

    /** What one task sent: its sample count and its arrays, null for an absent one. */
    record Decoded(long samples, double[][] arrays) {
    }

    /** The longest message of arrays of {@code lengths}, all present; fails when it would not fit in an array. */
    static int maxBytes(int[] lengths, boolean wide) {
        try {
            int bytes = Long.BYTES + Integer.BYTES;
            for (int length : lengths) {
                bytes = Math.addExact(bytes, Math.addExact(Integer.BYTES,
                        Math.multiplyExact(length, wide ? Double.BYTES : Float.BYTES)));
            }
            return bytes;
        } catch (ArithmeticException e) {
            throw new KilnException("the model's values do not fit in one message of at most 2 GiB; exchange"
                    + " them in float32, or average the weights less often than every step", e);
        }
    }

    static byte[] encode(long samples, double[][] arrays, boolean wide) {
        int[] lengths = new int[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            lengths[i] = arrays[i] == null ? 0 : arrays[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(maxBytes(lengths, wide)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(samples).putInt(arrays.length);
        for (double[] a : arrays) {
            out.putInt(a == null ? -1 : a.length);
            if (a != null) {
                for (double v : a) {
                    if (wide) {
                        out.putDouble(v);
                    } else {
                        out.putFloat((float) v);
                    }
                }
            }
        }
        return out.array();
    }

    /**
     * The payload of {@code message}, which must hold arrays of exactly {@code lengths} (or absent ones); fails naming
     * {@code sender} and what differs.
     */
    static Decoded decode(byte[] message, int[] lengths, boolean wide, String sender) {
        ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        int width = wide ? Double.BYTES : Float.BYTES;
        need(in, Long.BYTES + Integer.BYTES, sender);
        long samples = in.getLong();
        int count = in.getInt();
        if (samples < 0 || count != lengths.length) {
            throw new KilnException(sender + " sent " + count + " arrays for " + samples + " samples; expected "
                    + lengths.length + " arrays and a sample count of 0 or more");
        }
        double[][] arrays = new double[count][];
        for (int i = 0; i < count; i++) {
            need(in, Integer.BYTES, sender);
            int length = in.getInt();
            if (length == -1) {
                continue;
            }
            if (length != lengths[i]) {
                throw new KilnException(sender + " sent " + length + " values for array " + i + ", expected "
                        + lengths[i]);
            }
            need(in, (long) length * width, sender);
            double[] values = new double[length];
            for (int j = 0; j < length; j++) {
                values[j] = wide ? in.getDouble() : in.getFloat();
            }
            arrays[i] = values;
        }
        if (in.hasRemaining()) {
            throw new KilnException(sender + " sent " + in.remaining() + " bytes more than its arrays");
        }
        return new Decoded(samples, arrays);
    }

    private static void need(ByteBuffer in, long bytes, String sender) {
        if (in.remaining() < bytes) {
            throw new KilnException(sender + " sent a truncated message: " + bytes + " more bytes expected, "
                    + in.remaining() + " left");
        }
    }
}
